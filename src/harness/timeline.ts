// The network and fault history of a trace run, kept for the HTML report's message-sequence chart:
// every send, delivery, drop, crash and restart with the step that caused it. Only messages between
// nodes are kept (a node's traffic with its own storage threads is not on the network).
import type { Message, NodeId } from "../driver/types.js";
import type { Timeline, TimelineEvent } from "../report/types.js";
import { isLocalTarget } from "./network.js";

/** Enough history to explain a failure; older events are counted, not kept. */
export const MAX_TIMELINE_EVENTS = 2000;

export class TimelineRecorder {
  private step = -1;
  private events: TimelineEvent[] = [];
  private omitted = 0;
  private nextMsg = 1;
  /** A message keeps its number from send to delivery; duplicates are the same object. */
  private readonly ids = new WeakMap<Message, number>();

  /** A disabled recorder keeps nothing (exploration: a failure is replayed as a trace instead). */
  constructor(private readonly enabled = true) {}

  beginStep(): void {
    this.step++;
  }

  sent(msgs: readonly Message[]): void {
    if (!this.enabled) return;
    for (const m of msgs) {
      if (!onNetwork(m)) continue;
      const msg = this.nextMsg++;
      this.ids.set(m, msg);
      this.push({ kind: "send", step: this.step, msg, ...fields(m) });
    }
  }

  delivered(m: Message, error?: string): void {
    if (!this.enabled) return;
    if (!onNetwork(m)) return;
    this.push({ kind: "deliver", step: this.step, msg: this.idOf(m), ...fields(m), ...(error !== undefined ? { detail: error } : {}) });
  }

  dropped(m: Message, why: string): void {
    if (!this.enabled) return;
    if (!onNetwork(m)) return;
    this.push({ kind: "drop", step: this.step, msg: this.idOf(m), ...fields(m), detail: why });
  }

  crashed(node: NodeId): void {
    if (!this.enabled) return;
    this.push({ kind: "crash", step: this.step, node });
  }

  restarted(node: NodeId): void {
    if (!this.enabled) return;
    this.push({ kind: "restart", step: this.step, node });
  }

  /** The history up to now, for a trace that failed at `steps`' last entry. */
  snapshot(nodes: readonly NodeId[], steps: Timeline["steps"]): Timeline {
    this.trim();
    return { nodes: [...nodes].sort((a, b) => a - b), steps: [...steps], events: [...this.events], omitted: this.omitted };
  }

  private idOf(m: Message): number {
    let id = this.ids.get(m);
    if (id === undefined) {
      // Stepped in without going through the network (not expected; numbered so the chart still draws it).
      id = this.nextMsg++;
      this.ids.set(m, id);
    }
    return id;
  }

  private push(e: TimelineEvent): void {
    this.events.push(e);
    // Trimmed in batches so a long trace does not pay for a shift on every event.
    if (this.events.length >= 2 * MAX_TIMELINE_EVENTS) this.trim();
  }

  private trim(): void {
    const cut = this.events.length - MAX_TIMELINE_EVENTS;
    if (cut <= 0) return;
    this.events.splice(0, cut);
    this.omitted += cut;
  }
}

function onNetwork(m: Message): boolean {
  return !isLocalTarget(m.from) && !isLocalTarget(m.to);
}

function fields(m: Message): { from: number; to: number; type: string; term: number } {
  return { from: m.from, to: m.to, type: m.type, term: m.term };
}
