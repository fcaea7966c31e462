// The network the harness owns: one ordered queue of in-flight messages (etcd's env.Messages) plus
// link faults. Messages are taken per recipient in queue order, never reordered unless a `reorder`
// step asks for it.
import type { Message, MessageType, NodeId } from "../driver/types.js";
import type { Prng } from "./prng.js";

export interface MsgFilter {
  readonly to?: readonly NodeId[] | undefined;
  readonly from?: readonly NodeId[] | undefined;
  readonly types?: readonly MessageType[] | undefined;
}

/**
 * Ids of a node's local storage threads in the message model (src/core/types.ts declares the same
 * values; the harness does not import the core at run time).
 */
export const LOCAL_APPEND_THREAD: NodeId = Number.MAX_SAFE_INTEGER;
export const LOCAL_APPLY_THREAD: NodeId = Number.MAX_SAFE_INTEGER - 1;

export function isLocalTarget(id: NodeId): boolean {
  return id === LOCAL_APPEND_THREAD || id === LOCAL_APPLY_THREAD;
}

/** Messages a node sends itself or exchanges with its storage threads need reliable delivery. */
export function isLocalMsg(m: Message): boolean {
  return m.from === m.to || isLocalTarget(m.from) || isLocalTarget(m.to);
}

function matches(m: Message, f: MsgFilter): boolean {
  return (f.to === undefined || f.to.includes(m.to))
    && (f.from === undefined || f.from.includes(m.from))
    && (f.types === undefined || f.types.includes(m.type));
}

export class Network {
  private queue: Message[] = [];
  /** Messages a `hold` step took off the queue; nothing delivers them until `release`. */
  private held: Message[] = [];
  /** Directed links that lose every message: "from>to". */
  private readonly blocked = new Set<string>();

  get pending(): readonly Message[] {
    return this.queue;
  }

  send(msgs: readonly Message[]): void {
    this.queue.push(...msgs);
  }

  /**
   * Removes and returns the queued messages for `to` that pass the filter, in queue order. When
   * dropping, local messages stay queued (etcd never drops those). At most `limit` messages are
   * taken (the first ones in queue order); the rest stay where they were.
   */
  take(to: NodeId, f: MsgFilter, drop: boolean, limit = Infinity): Message[] {
    const taken: Message[] = [];
    const rest: Message[] = [];
    for (const m of this.queue) {
      if (taken.length < limit && m.to === to && !(drop && isLocalMsg(m)) && matches(m, f)) taken.push(m);
      else rest.push(m);
    }
    this.queue = rest;
    return taken;
  }

  /** Removes the queued local messages to `node` (from its storage threads or itself): they belong to a process that crashed. */
  forgetLocal(node: NodeId): void {
    this.queue = this.queue.filter((m) => !(m.to === node && isLocalMsg(m)));
  }

  hasFor(to: NodeId): boolean {
    return this.queue.some((m) => m.to === to);
  }

  /** Recipients with queued messages matching the filter, ascending. */
  recipients(f: MsgFilter): NodeId[] {
    return [...new Set(this.queue.filter((m) => matches(m, f)).map((m) => m.to))].sort((a, b) => a - b);
  }

  /** Is the link from → to cut? Local messages are never cut. */
  isCut(m: Message): boolean {
    return !isLocalMsg(m) && this.blocked.has(`${m.from}>${m.to}`);
  }

  cut(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** Nodes in different groups cannot talk; nodes in no group keep their links. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (const [i, g] of groups.entries()) {
      for (const [j, h] of groups.entries()) {
        if (i === j) continue;
        for (const a of g) for (const b of h) this.cut(a, b);
      }
    }
  }

  isolate(node: NodeId, all: readonly NodeId[]): void {
    for (const other of all) {
      if (other === node) continue;
      this.cut(node, other);
      this.cut(other, node);
    }
  }

  heal(): void {
    this.blocked.clear();
  }

  /** Every matching queued message gets a copy right behind it. */
  duplicate(f: MsgFilter): number {
    const out: Message[] = [];
    let n = 0;
    for (const m of this.queue) {
      out.push(m);
      if (!isLocalMsg(m) && matches(m, f)) {
        out.push(m);
        n++;
      }
    }
    this.queue = out;
    return n;
  }

  /**
   * Takes the matching queued messages off the queue (at most `limit`, first in queue order) and
   * keeps them aside: no delivery and no stabilize sees them until `release`. Local messages are
   * never held. Returns how many were held.
   */
  hold(f: MsgFilter, limit = Infinity): number {
    const rest: Message[] = [];
    let n = 0;
    for (const m of this.queue) {
      if (n < limit && !isLocalMsg(m) && matches(m, f)) {
        this.held.push(m);
        n++;
      } else {
        rest.push(m);
      }
    }
    this.queue = rest;
    return n;
  }

  /** Puts the matching held messages back at the end of the queue, in the order they were held. */
  release(f: MsgFilter): number {
    const back: Message[] = [];
    const keep: Message[] = [];
    for (const m of this.held) (matches(m, f) ? back : keep).push(m);
    this.held = keep;
    this.queue.push(...back);
    return back.length;
  }

  /** Messages currently held, in the order they were held. */
  get heldMessages(): readonly Message[] {
    return this.held;
  }

  /** Shuffles the matching queued messages among their own positions (seeded). */
  reorder(f: MsgFilter, prng: Prng): void {
    const positions: number[] = [];
    this.queue.forEach((m, i) => {
      if (!isLocalMsg(m) && matches(m, f)) positions.push(i);
    });
    const picked = prng.shuffle(positions.map((i) => this.queue[i] as Message));
    positions.forEach((pos, k) => {
      this.queue[pos] = picked[k] as Message;
    });
  }
}
