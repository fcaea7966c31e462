// The invariant checker: the 23 invariants of research/tla.md §5.1 in run order (§5.2), then
// read-index safety, and an incremental checker that keeps their history between steps.
import { ackedDurability, stateMachineSafety } from "./apply.js";
import { checkQuorum } from "./check-quorum.js";
import {
  commitMonotonic,
  commitQuorum,
  committedAgreement,
  currentTermCommitRule,
  leaderCompleteness,
} from "./commit.js";
import { configWellFormed, reconfigDiscipline } from "./config.js";
import { CheckerState, StepContext, type CheckerOptions, type InvariantDef } from "./context.js";
import { durability } from "./durability.js";
import { candidateTermNotInLog, electionQuorum, electionSafety, leaderKnowledge, roleConsistency } from "./election.js";
import { leaderAppendOnly, leaderCurrentTermEntries, logMatching, logWellFormed } from "./log.js";
import type { Invariant, InvariantChecker, StepObs, Violation } from "./observation.js";
import { preVote } from "./prevote.js";
import { readIndexSafety } from "./read-index.js";
import { termMonotonic, voteOnce } from "./term-vote.js";

export type { CheckerOptions } from "./context.js";

/** The `source.repo` of traces `explore` writes (their replay uses the explorer's checker). */
export const EXPLORE_REPO = "raft-conformance/explore";

/**
 * Invariants the explorer does not judge: leader-knowledge only sees states at step ends, and a
 * `stabilize` step can elect and depose a leader whose messages others still receive.
 */
export const UNSOUND_BETWEEN_STEPS: readonly string[] = ["leader-knowledge"];

/**
 * Run order matters: history written by one invariant is read by later ones in the same step
 * (vote-once → HV, election-safety → HL, log-matching → HE, committed-agreement → HC).
 */
const ORDERED: readonly InvariantDef[] = [
  termMonotonic, // 5
  voteOnce, // 4
  electionSafety, // 1
  electionQuorum, // 2
  leaderKnowledge, // 3
  roleConsistency, // 6
  logWellFormed, // 7
  logMatching, // 8
  committedAgreement, // 11
  leaderAppendOnly, // 9
  leaderCurrentTermEntries, // 10
  commitMonotonic, // 12
  currentTermCommitRule, // 13
  commitQuorum, // 14
  leaderCompleteness, // 15
  ackedDurability, // 16
  stateMachineSafety, // 17
  candidateTermNotInLog, // 18
  configWellFormed, // 19
  reconfigDiscipline, // 20
  preVote, // 21
  checkQuorum, // 22
  durability, // 23
  readIndexSafety, // 24
];

/** Every invariant, in run order, with its definition and TLA+ counterpart. */
export const INVARIANTS: readonly Invariant[] = ORDERED.map(({ id, name, definition, tla }) => ({ id, name, definition, tla }));

export function createChecker(opts: CheckerOptions = {}): InvariantChecker {
  const known = new Set(ORDERED.map((i) => i.id));
  for (const id of [...(opts.only ?? []), ...(opts.except ?? [])]) {
    if (!known.has(id)) throw new Error(`unknown invariant id "${id}"`);
  }
  const only = opts.only === undefined ? undefined : new Set(opts.only);
  const except = new Set(opts.except ?? []);
  const reported = (id: string): boolean => (only === undefined || only.has(id)) && !except.has(id);
  const state = new CheckerState(opts);
  return {
    invariants: INVARIANTS.filter((i) => reported(i.id)),
    check(step: StepObs): readonly Violation[] {
      // Every invariant runs even when filtered out: they maintain history the others read.
      const ctx = new StepContext(step, state);
      for (const inv of ORDERED) inv.check(ctx);
      ctx.finish();
      return ctx.violations.filter((v) => reported(v.invariant));
    },
  };
}
