// etcd's interaction env hard-codes an "appender" state machine: applying an entry appends its
// payload (a conf change's context) to the previous state, and every applied index is kept as a
// snapshot. A node's storage serves the newest one when the leader needs to send a snapshot.
import type { ConfState, Entry, Snapshot } from "../driver/types.js";
import { EMPTY_CONF_STATE } from "./durable.js";

export class AppenderHistory {
  private readonly snaps: Snapshot[];
  /**
   * The newest state's bytes live at the start of `buf`, which grows by doubling; every state is a
   * view of a prefix of some such buffer. Bytes are only ever written past the newest state's end,
   * so older views never change. Copying the whole state per applied entry, as a plain reading of
   * etcd's env would, is quadratic in the log length (Go's append shares the backing array too).
   */
  private buf: Uint8Array;

  constructor(initial: Snapshot | undefined) {
    const first = initial ?? { data: new Uint8Array(), metadata: { index: 0, term: 0, confState: EMPTY_CONF_STATE } };
    this.snaps = [first];
    this.buf = first.data;
  }

  get last(): Snapshot {
    return this.snaps[this.snaps.length - 1] as Snapshot;
  }

  /** `update` is what the entry contributes to the state; `cs` the ConfState a conf change produced. */
  apply(entry: Entry, update: Uint8Array, cs: ConfState | undefined): void {
    const prev = this.last;
    const len = prev.data.length;
    let data: Uint8Array;
    if (update.length === 0) {
      data = prev.data;
    } else {
      if (this.buf.buffer !== prev.data.buffer || this.buf.byteOffset !== prev.data.byteOffset || this.buf.length < len + update.length) {
        const grown = new Uint8Array(Math.max(64, 2 * (len + update.length)));
        grown.set(prev.data, 0);
        this.buf = grown;
      }
      this.buf.set(update, len);
      data = this.buf.subarray(0, len + update.length);
    }
    this.snaps.push({ data, metadata: { index: entry.index, term: entry.term, confState: cs ?? prev.metadata.confState } });
  }

  /** The application restored a snapshot (Ready.Snapshot): it replaces the state from its index on. */
  restore(snap: Snapshot): void {
    if (snap.metadata.index <= this.last.metadata.index) return;
    this.snaps.push(snap);
    this.buf = snap.data;
  }

  /** The newest state at or below `index`. */
  at(index: number): Snapshot | undefined {
    for (let i = this.snaps.length - 1; i >= 0; i--) {
      const s = this.snaps[i] as Snapshot;
      if (s.metadata.index <= index) return s;
    }
    return undefined;
  }
}
