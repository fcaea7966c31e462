// etcd's interaction env hard-codes an "appender" state machine: applying an entry appends its
// payload (a conf change's context) to the previous state, and every applied index is kept as a
// snapshot. A node's storage serves the newest one when the leader needs to send a snapshot.
import type { ConfState, Entry, Snapshot } from "../driver/types.js";
import { EMPTY_CONF_STATE } from "./durable.js";

export class AppenderHistory {
  private readonly snaps: Snapshot[];

  constructor(initial: Snapshot | undefined) {
    this.snaps = [initial ?? { data: new Uint8Array(), metadata: { index: 0, term: 0, confState: EMPTY_CONF_STATE } }];
  }

  get last(): Snapshot {
    return this.snaps[this.snaps.length - 1] as Snapshot;
  }

  /** `update` is what the entry contributes to the state; `cs` the ConfState a conf change produced. */
  apply(entry: Entry, update: Uint8Array, cs: ConfState | undefined): void {
    const prev = this.last;
    const data = new Uint8Array(prev.data.length + update.length);
    data.set(prev.data, 0);
    data.set(update, prev.data.length);
    this.snaps.push({ data, metadata: { index: entry.index, term: entry.term, confState: cs ?? prev.metadata.confState } });
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
