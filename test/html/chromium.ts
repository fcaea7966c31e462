// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (NUL-separated JSON on
// file descriptors 3 and 4), enough to load a page in headless Chromium, watch its network
// requests and console, query its DOM and take a screenshot — without an npm dependency.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** Debian's chromium, or $CHROMIUM. Missing is an error, never a skip: CI installs it in .ci/run. */
export function findChromium(): string {
  const candidates = [process.env["CHROMIUM"], "chromium", "chromium-browser"].filter((c): c is string => c !== undefined && c !== "");
  for (const c of candidates) {
    try {
      execFileSync(c, ["--version"], { stdio: "pipe", timeout: 30_000 });
      return c;
    } catch {
      // try the next name
    }
  }
  throw new Error(
    "headless Chromium is required for the HTML report test and was not found (tried $CHROMIUM, chromium, chromium-browser). " +
      "Install it with `apt-get install -y chromium` (.ci/run does this) or point $CHROMIUM at the binary.",
  );
}

interface CdpEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly sessionId?: string;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners: ((e: CdpEvent) => void)[] = [];
  readonly events: CdpEvent[] = [];
  private buffer = "";

  private constructor(
    private readonly proc: ChildProcess,
    private readonly out: Writable,
    private readonly profile: string,
  ) {}

  static async launch(binary: string): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), "rc-chromium-"));
    const args = [
      "--headless",
      "--no-sandbox", // CI runs as root in a container
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-extensions",
      "--hide-scrollbars",
      "--remote-debugging-pipe",
      `--user-data-dir=${profile}`,
      "about:blank",
    ];
    const proc = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    const stdio = proc.stdio as unknown as [null, null, Readable, Writable, Readable];
    const b = new Browser(proc, stdio[3], profile);
    let stderr = "";
    stdio[2].on("data", (d: Buffer) => {
      stderr = (stderr + d.toString("utf8")).slice(-4000);
    });
    stdio[4].on("data", (d: Buffer) => b.receive(d.toString("utf8")));
    proc.on("exit", (code) => {
      for (const p of b.pending.values()) p.reject(new Error(`chromium exited (${String(code)}) before answering; stderr:\n${stderr}`));
      b.pending.clear();
    });
    return b;
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let nul: number;
    while ((nul = this.buffer.indexOf("\0")) >= 0) {
      const msg = JSON.parse(this.buffer.slice(0, nul)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      this.buffer = this.buffer.slice(nul + 1);
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error !== undefined) p?.reject(new Error(`CDP: ${msg.error.message}`));
        else p?.resolve(msg.result);
      } else if (msg.method !== undefined) {
        const e: CdpEvent = { method: msg.method, params: msg.params ?? {}, ...(msg.sessionId !== undefined ? { sessionId: msg.sessionId } : {}) };
        this.events.push(e);
        for (const l of this.listeners) l(e);
      }
    }
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    const msg = JSON.stringify({ id, method, params, ...(sessionId !== undefined ? { sessionId } : {}) });
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.out.write(`${msg}\0`);
    });
  }

  waitFor(method: string, sessionId: string, timeoutMs = 30_000): Promise<CdpEvent> {
    const seen = this.events.find((e) => e.method === method && e.sessionId === sessionId);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), timeoutMs);
      this.listeners.push((e) => {
        if (e.method === method && e.sessionId === sessionId) {
          clearTimeout(timer);
          resolve(e);
        }
      });
    });
  }

  async close(): Promise<void> {
    await this.send("Browser.close").catch(() => undefined);
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) resolve();
      else {
        const t = setTimeout(() => {
          this.proc.kill("SIGKILL");
          resolve();
        }, 5_000);
        this.proc.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
      }
    });
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** A page opened in its own target, with network, console and page events recorded. */
export class Page {
  private constructor(
    readonly browser: Browser,
    readonly session: string,
  ) {}

  static async open(browser: Browser, width: number, height: number): Promise<Page> {
    const { targetId } = await browser.send<{ targetId: string }>("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await browser.send<{ sessionId: string }>("Target.attachToTarget", { targetId, flatten: true });
    const page = new Page(browser, sessionId);
    for (const domain of ["Page", "Network", "Log", "Runtime"]) await page.send(`${domain}.enable`);
    await page.send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.browser.send<T>(method, params, this.session);
  }

  async navigate(url: string): Promise<void> {
    const loaded = this.browser.waitFor("Page.loadEventFired", this.session);
    await this.send("Page.navigate", { url });
    await loaded;
  }

  /** Evaluates an expression in the page and returns its JSON value (promises are awaited). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value?: unknown }; exceptionDetails?: { text: string } }>("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails !== undefined) throw new Error(`page threw: ${r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** A PNG of the whole page, not just the viewport. */
  async screenshot(): Promise<Buffer> {
    const m = await this.send<{ cssContentSize: { width: number; height: number } }>("Page.getLayoutMetrics");
    const { data } = await this.send<{ data: string }>("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: Math.ceil(m.cssContentSize.width), height: Math.ceil(m.cssContentSize.height), scale: 1 },
    });
    return Buffer.from(data, "base64");
  }

  /** Every request the page made, by URL. */
  requests(): string[] {
    return this.events("Network.requestWillBeSent").map((e) => String((e.params["request"] as { url: string }).url));
  }

  events(method: string): CdpEvent[] {
    return this.browser.events.filter((e) => e.method === method && e.sessionId === this.session);
  }
}
