// `sent:` on a step: neutral, observable assertions about the messages the step put on the network
// ("node 1 rejected node 2's vote", "node 2 rejected the append with a hint ≤ 5"). Each matcher
// must match at least one message some node handed the harness during the step; a matcher names
// only the fields it cares about, numbers take the `check` matchers ({gte, lte, one_of}). Unlike
// `expect:` (exact level, etcd's message model) this holds for any Raft whose driver maps its
// messages onto the protocol's vocabulary, so it is checked at the observable level.
import { matchNumber } from "./check.js";
import { canonical, toYamlText } from "./expect.js";
import type { Yaml, YamlMap } from "./types.js";

/** The fields a `sent` matcher may name besides `type`, `from`, `to` and `reject`. */
export const SENT_NUMBER_FIELDS = ["term", "index", "log_term", "commit", "reject_hint"] as const;

/** Every message a node handed the host during the step: Ready messages and their storage responses. */
export function sentMessages(events: readonly Yaml[]): YamlMap[] {
  const out: YamlMap[] = [];
  const add = (m: YamlMap): void => {
    if (typeof m["to"] === "number" && typeof m["from"] === "number") out.push(m);
    for (const r of (m["responses"] as YamlMap[] | undefined) ?? []) add(r);
  };
  for (const e of events) {
    const rd = (e as YamlMap | null)?.["ready"] as YamlMap | undefined;
    for (const m of (rd?.["messages"] as YamlMap[] | undefined) ?? []) add(m);
  }
  return out;
}

function matches(want: YamlMap, m: YamlMap): boolean {
  const type = want["type"];
  if (typeof type === "string" && m["type"] !== type) return false;
  if (type !== undefined && typeof type !== "string" && !((type as YamlMap)["one_of"] as string[]).includes(m["type"] as string)) return false;
  if (want["from"] !== undefined && m["from"] !== want["from"]) return false;
  if (want["to"] !== undefined && m["to"] !== want["to"]) return false;
  if (want["reject"] !== undefined && (m["reject"] === true) !== want["reject"]) return false;
  return SENT_NUMBER_FIELDS.every((f) => want[f] === undefined || matchNumber(want[f], (m[f] as number | undefined) ?? 0) === undefined);
}

/** One line per matcher no message of the step matched; empty when all matched. */
export function sentProblems(want: readonly YamlMap[], events: readonly Yaml[]): string[] {
  const sent = sentMessages(events);
  const shown = (): string => {
    if (sent.length === 0) return "no message was sent in this step";
    const brief = sent.map((m) => {
      const o: Record<string, Yaml> = { type: m["type"] ?? null, from: m["from"] ?? null, to: m["to"] ?? null, term: m["term"] ?? 0 };
      for (const f of ["reject", "reject_hint", "index", "log_term", "commit"] as const) if (m[f] !== undefined && m[f] !== 0 && m[f] !== false) o[f] = m[f];
      return canonical(o);
    });
    return `the step sent:\n${toYamlText(brief).split("\n").map((l) => `    ${l}`).join("\n")}`;
  };
  return want.filter((w) => !sent.some((m) => matches(w, m))).map((w) => `no message matched sent: ${JSON.stringify(w)}; ${shown()}`);
}
