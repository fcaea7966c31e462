// Public exports of the reference Raft core.

export * from "./types.js";
export { RawNode, type Peer } from "./rawnode.js";
export { MemoryStorage, type Storage } from "./storage.js";
export { encodeConfChange, decodeConfChange } from "./confchange/encoding.js";
export { ConfChangeApplyError } from "./raft/confchange.js";
export { asV2, confChangesFromString, confChangesToString } from "./confchange/conf-change.js";
export { isLocalMsg, isLocalMsgTarget, isResponseMsg, isEmptyHardState, isEmptySnap } from "./util.js";
