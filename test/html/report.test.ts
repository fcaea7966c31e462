// The HTML report of a run with a failing trace, rendered in headless Chromium: the failing trace's
// message-sequence chart is on the page (lanes, arrows, the drop, the crash and restart, the
// highlighted failing step), the filters work, and nothing is requested from anywhere.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildCli, CLI, ROOT } from "../cli/build.js";
import { Browser, findChromium, Page } from "./chromium.js";

const FIXTURE = "test/fixtures/traces/html";
const dir = mkdtempSync(join(tmpdir(), "rc-html-"));
const html = join(dir, "report.html");
const json = join(dir, "report.json");
/** Kept after the run so a person can look at it (the test prints where). */
export const SCREENSHOT = join(dir, "report.png");

let browser: Browser;
let page: Page;
let failingStep: number;

beforeAll(async () => {
  if (inject("cliBuilt") !== true) buildCli();
  const run = spawnSync(process.execPath, [CLI, "run", FIXTURE, "--html", html, "--json", json], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expect(run.status, run.stderr).toBe(1);
  const report = JSON.parse(readFileSync(json, "utf8")) as { traces: { status: string; failure?: { step: number } }[] };
  failingStep = report.traces[0]?.failure?.step ?? -1;
  expect(failingStep).toBeGreaterThan(0);

  browser = await Browser.launch(findChromium());
  page = await Page.open(browser, 1280, 1000);
  await page.navigate(pathToFileURL(html).href);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const count = (selector: string): Promise<number> => page.evaluate<number>(`document.querySelectorAll(${JSON.stringify(selector)}).length`);

describe("the HTML report in headless Chromium", () => {
  it("draws the failing trace's chart: one lane per node, arrows for delivered messages", async () => {
    expect(await count("svg.msc")).toBe(1);
    expect(await page.evaluate<string[]>(`[...document.querySelectorAll("svg.msc g.lane")].map((g) => g.dataset.node)`)).toEqual(["1", "2", "3"]);
    // MsgVote 1→2, MsgVoteResp 2→1 (then the MsgApps of the failing step are sent, not yet delivered).
    const arrows = await page.evaluate<string[]>(`[...document.querySelectorAll("svg.msc g.arrow:not(.dropped)")].map((g) => g.dataset.type + " " + g.dataset.from + "→" + g.dataset.to)`);
    expect(arrows).toEqual(["MsgVote 1→2", "MsgVoteResp 2→1"]);
    expect(await count("svg.msc g.arrow line[marker-end]")).toBe(2);
  });

  it("marks the dropped message, the crash and the restart", async () => {
    expect(await page.evaluate<string[]>(`[...document.querySelectorAll("svg.msc g.arrow.dropped")].map((g) => g.dataset.type + " " + g.dataset.from + "→" + g.dataset.to)`)).toEqual(["MsgVote 1→3"]);
    expect(await count("svg.msc g.crash[data-node='3']")).toBe(1);
    expect(await count("svg.msc g.restart[data-node='3']")).toBe(1);
    expect(await count("svg.msc g.lane[data-node='3'] line.lane-line.down")).toBe(1);
  });

  it("highlights the step the trace failed at", async () => {
    const band = await page.evaluate<{ step: string; height: number } | null>(
      `(() => { const r = document.querySelector("svg.msc rect.failing-step"); return r && { step: r.dataset.step, height: r.getBoundingClientRect().height }; })()`,
    );
    expect(band).toEqual({ step: String(failingStep), height: expect.any(Number) as number });
    expect(band?.height).toBeGreaterThan(0);
    // The sends of the failing step are drawn inside the band.
    expect(await count(`svg.msc g.send[data-step='${failingStep}']`)).toBe(2);
  });

  it("shows the expected/actual diff of the failure", async () => {
    const diff = await page.evaluate<{ del: string[]; add: string[] }>(
      `({ del: [...document.querySelectorAll("pre.message .del")].map((e) => e.textContent.trim()), add: [...document.querySelectorAll("pre.message .add")].map((e) => e.textContent.trim()) })`,
    );
    expect(diff.del).toEqual(["-       state: StateCandidate"]);
    expect(diff.add).toEqual(["+       lead: 1", "+       state: StateLeader"]);
  });

  it("runs its filter script under the page's Content-Security-Policy", async () => {
    expect(await page.evaluate<string>("document.documentElement.dataset.filters")).toBe("ready");
    const visible = (): Promise<number> => page.evaluate<number>(`[...document.querySelectorAll("#traces tbody tr")].filter((r) => !r.hidden).length`);
    expect(await visible()).toBe(1);
    await page.evaluate(`(() => { const b = document.querySelector("input[name=status][value=failed]"); b.checked = false; b.dispatchEvent(new Event("change")); })()`);
    expect(await visible()).toBe(0);
    await page.evaluate(`(() => { const b = document.querySelector("input[name=status][value=failed]"); b.checked = true; b.dispatchEvent(new Event("change")); const t = document.getElementById("filter-text"); t.value = "no-such-trace"; t.dispatchEvent(new Event("input")); })()`);
    expect(await visible()).toBe(0);
    await page.evaluate(`(() => { const t = document.getElementById("filter-text"); t.value = "failing-election"; t.dispatchEvent(new Event("input")); })()`);
    expect(await visible()).toBe(1);
  });

  it("makes no request other than loading its own file, and reports no error", async () => {
    expect(page.requests()).toEqual([pathToFileURL(html).href]);
    const errors = page.events("Log.entryAdded").map((e) => e.params["entry"] as { level: string; text: string }).filter((e) => e.level === "error");
    expect(errors).toEqual([]);
    expect(page.events("Runtime.exceptionThrown")).toEqual([]);
  });

  it("would block a request even if something on the page tried one (default-src 'none')", async () => {
    const csp = await page.evaluate<string>(`document.querySelector("meta[http-equiv=Content-Security-Policy]").content`);
    expect(csp).toMatch(/^default-src 'none'; /);
    const outcome = await page.evaluate<string>(`fetch("http://127.0.0.1:9/probe").then(() => "fetched", (e) => "blocked: " + e.message)`);
    expect(outcome).toMatch(/^blocked/);
    const violations = page.events("Log.entryAdded").map((e) => (e.params["entry"] as { text: string }).text);
    expect(violations.some((t) => t.includes("Content Security Policy"))).toBe(true);
  });

  it("takes a screenshot of the whole page", async () => {
    const png = await page.screenshot();
    writeFileSync(SCREENSHOT, png);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(1280);
    expect(height).toBeGreaterThan(600);
    console.log(`HTML report screenshot: ${SCREENSHOT}`);
  });
});
