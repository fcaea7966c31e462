// The harness's log view and the checker's mirror of it agree across what a crash can undo.
import { describe, expect, test } from "vitest";
import type { Entry } from "../../src/driver/types.js";
import { LogView } from "../../src/harness/logview.js";
import { LogMirror } from "../../src/invariants/mirror.js";

const entry = (index: number, term: number): Entry => ({ index, term, type: "EntryNormal", data: new Uint8Array([index]) });

/** Runs one step on the view and feeds its delta to the mirror. */
function step(view: LogView, mirror: LogMirror, f: () => void) {
  view.beginStep();
  f();
  return mirror.update(view.takeDelta(), view);
}

describe("LogView across a crash", () => {
  test("a snapshot handed out but lost in a crash takes the log back to the durable snapshot, without anomalies", () => {
    // Found by exploring the reference (seed 221116): with async storage writes a follower hands a
    // MsgSnap's snapshot (index 3) to its append thread and crashes before it is written.
    const view = new LogView();
    const mirror = new LogMirror();
    step(view, mirror, () => view.resetTo(2, 1, []));
    const install = step(view, mirror, () => view.installSnapshot(3, 1));
    expect(install.snapshot).toEqual({ index: 3, term: 1 });
    const crash = step(view, mirror, () => view.resetTo(2, 1, [entry(3, 1)]));
    expect(crash.anomalies).toEqual([]);
    expect(crash.resynced).toBe(false);
    expect(crash.snapshot).toEqual({ index: 2, term: 1 });
    expect(crash.written.map((w) => w.entry.index)).toEqual([3]);
    expect([mirror.snapIndex, mirror.lastIndex]).toEqual([2, 3]);
  });

  test("a crash that loses unsynced entries is a truncation of the tail", () => {
    const view = new LogView();
    const mirror = new LogMirror();
    step(view, mirror, () => view.resetTo(2, 1, []));
    step(view, mirror, () => view.append([entry(3, 1), entry(4, 1), entry(5, 1)]));
    const crash = step(view, mirror, () => view.resetTo(2, 1, [entry(3, 1)]));
    expect(crash.anomalies).toEqual([]);
    expect(crash.snapshot).toBeUndefined();
    expect(crash.removed.map((e) => e.index)).toEqual([4, 5]);
    expect([mirror.snapIndex, mirror.lastIndex]).toEqual([2, 3]);
  });
});
