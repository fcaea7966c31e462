// Flow control for MsgApp: how many appends (and bytes) are on their way to one follower.

import type { Index } from "../types.js";

/**
 * etcd's tracker.Inflights: a ring buffer of the appends sent to a follower and not yet
 * acknowledged, each remembered by the index of its last entry and its payload size. The leader
 * checks full() before sending, add()s every append it sends (indexes increasing) and freeLE()s on
 * each acknowledgement.
 *
 * The buffer grows on demand up to `size` slots (many idle groups stay small), as etcd's does.
 */
export class Inflights {
  /** Slot of the oldest in-flight append. */
  #start = 0;
  #count = 0;
  #bytes = 0;
  #indexes: Index[] = [];
  #sizes: number[] = [];

  /**
   * @param size the most appends in flight at once (etcd's MaxInflightMsgs, > 0).
   * @param maxBytes the most payload bytes in flight; 0 = no limit. The limit is soft: the append
   *   that crosses it is accepted, the next one waits.
   */
  constructor(
    readonly size: number,
    readonly maxBytes: number,
  ) {}

  /** An independent copy. */
  clone(): Inflights {
    const copy = new Inflights(this.size, this.maxBytes);
    copy.#start = this.#start;
    copy.#count = this.#count;
    copy.#bytes = this.#bytes;
    copy.#indexes = [...this.#indexes];
    copy.#sizes = [...this.#sizes];
    return copy;
  }

  /**
   * Records an append whose last entry is `index`, carrying `bytes` of payload. The caller must have
   * checked full(); adding to a full window is a programming error and throws.
   */
  add(index: Index, bytes: number): void {
    if (this.full()) throw new Error("cannot add into a Full inflights");
    let next = this.#start + this.#count;
    if (next >= this.size) next -= this.size;
    if (next >= this.#indexes.length) this.#grow();
    this.#indexes[next] = index;
    this.#sizes[next] = bytes;
    this.#count++;
    this.#bytes += bytes;
  }

  /** Doubles the buffer (from 1, capped at size), keeping slot positions. */
  #grow(): void {
    const length = Math.min(Math.max(this.#indexes.length * 2, 1), this.size);
    while (this.#indexes.length < length) {
      this.#indexes.push(0);
      this.#sizes.push(0);
    }
  }

  /** Releases every append whose last index is <= `to` (the follower acknowledged up to `to`). */
  freeLE(to: Index): void {
    if (this.#count === 0 || to < this.#at(this.#start)) return;
    let slot = this.#start;
    let freed = 0;
    let freedBytes = 0;
    while (freed < this.#count && this.#at(slot) <= to) {
      freedBytes += this.#sizes[slot] ?? 0;
      freed++;
      slot++;
      if (slot >= this.size) slot -= this.size;
    }
    this.#count -= freed;
    this.#bytes -= freedBytes;
    // An empty window restarts at slot 0 so the buffer does not grow needlessly.
    this.#start = this.#count === 0 ? 0 : slot;
  }

  /** No further append may be sent: the count limit is reached, or the byte limit is. */
  full(): boolean {
    return this.#count === this.size || (this.maxBytes !== 0 && this.#bytes >= this.maxBytes);
  }

  /** Number of appends in flight. */
  count(): number {
    return this.#count;
  }

  /** Payload bytes in flight. */
  bytes(): number {
    return this.#bytes;
  }

  /** Last indexes of the appends in flight, oldest first (for status and tests). */
  indexes(): Index[] {
    const out: Index[] = [];
    for (let i = 0, slot = this.#start; i < this.#count; i++) {
      out.push(this.#at(slot));
      slot = slot + 1 >= this.size ? 0 : slot + 1;
    }
    return out;
  }

  /** Forgets every append in flight. */
  reset(): void {
    this.#start = 0;
    this.#count = 0;
    this.#bytes = 0;
  }

  #at(slot: number): Index {
    return this.#indexes[slot] ?? 0;
  }
}
