// Worker-thread entry point: explores the batch it was given and posts each seed's result.
import { parentPort, workerData } from "node:worker_threads";
import { exploreBatch, type SeedBatch } from "./seeds.js";

const port = parentPort;
if (port !== null) {
  exploreBatch(workerData as SeedBatch, (r) => {
    port.postMessage({ type: "result", result: r });
  }).then(
    () => port.postMessage({ type: "done" }),
    (e: unknown) => port.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) }),
  );
}
