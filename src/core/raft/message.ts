// Building messages: every field the sender leaves out takes its zero value, as in etcd's protobuf
// messages, so two messages compare field by field.

import type { Message, MessageType, NodeId } from "../types.js";
import { NONE } from "../types.js";

/** A message under construction: type and target are required, everything else defaults to zero. */
export type MessageInit = { readonly type: MessageType; readonly to: NodeId } & Partial<
  Omit<Message, "type" | "to">
>;

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/**
 * The message with every field the init leaves out at its zero value. `from` and `term` may be
 * given apart from the init, so a sender that fills them in does not copy the init first.
 */
export function makeMessage(init: MessageInit, from: NodeId = init.from ?? NONE, term: number = init.term ?? 0): Message {
  // Field by field rather than by spreading a defaults object: messages are built on every send,
  // and this keeps them one object shape.
  const m: { -readonly [K in keyof Message]: Message[K] } = {
    type: init.type,
    to: init.to,
    from,
    term,
    logTerm: init.logTerm ?? 0,
    index: init.index ?? 0,
    entries: init.entries ?? [],
    commit: init.commit ?? 0,
    vote: init.vote ?? NONE,
    reject: init.reject ?? false,
    rejectHint: init.rejectHint ?? 0,
    context: init.context ?? EMPTY_BYTES,
    responses: init.responses ?? [],
  };
  if (init.snapshot !== undefined) m.snapshot = init.snapshot;
  return m;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}
