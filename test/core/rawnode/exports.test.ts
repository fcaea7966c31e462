import { describe, expect, it } from "vitest";
import * as core from "../../../src/core/index.js";

describe("public exports of the core", () => {
  it("a host can build a node, propose and read the result using only the core's index", () => {
    const storage = new core.MemoryStorage();
    const rn = new core.RawNode({ id: 1, electionTick: 10, heartbeatTick: 1 }, storage);
    rn.bootstrap([{ id: 1 }]);
    let rd = rn.ready();
    storage.append(rd.entries);
    if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
    for (const e of rd.committedEntries) rn.applyConfChange(core.decodeConfChange(e.type, e.data));
    rn.advance();
    rn.campaign();
    while (rn.hasReady()) {
      rd = rn.ready();
      storage.append(rd.entries);
      if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
      rn.advance();
    }
    expect(rn.status().softState.raftState).toBe("StateLeader");
    expect(core.isLocalMsg("MsgHup")).toBe(true);
    expect(core.isEmptySnap(undefined)).toBe(true);
    expect(core.asV2(core.decodeConfChange("EntryConfChangeV2", new Uint8Array()))).toMatchObject({ changes: [] });
  });
});
