// Model-based properties: random histories of leaders, deliveries, asynchronous writes, applies
// and compactions must keep the log equal to a plain array model.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newLog } from "../../../src/core/log.js";
import { MemoryStorage } from "../../../src/core/storage.js";
import type { Entry } from "../../../src/core/types.js";
import { entsSize, NO_LIMIT, raftErrorOf } from "../../../src/core/util.js";
import { entry } from "./helpers.js";

type Op =
  | { k: "lead"; base: number; keep: number; extra: number }
  | { k: "deliver"; which: number; from: number; commit: number }
  | { k: "accept" }
  | { k: "write" }
  | { k: "apply" }
  | { k: "compact"; at: number };

// Weighted so that competing leaders overwrite uncommitted tails while writes are in flight, and
// commits advance slowly enough to leave such tails around.
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant("lead" as const), base: fc.nat(), keep: fc.nat(), extra: fc.integer({ min: 0, max: 3 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("deliver" as const),
      which: fc.nat(),
      from: fc.nat(),
      commit: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat() }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("accept" as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("write" as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("apply" as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("compact" as const), at: fc.nat() }) },
);

/** terms[i - 1] is the term of index i. */
type Terms = number[];

describe("raftLog under random histories", () => {
  it("matches an array model: contiguous, terms non-decreasing, storage correct below the unstable offset", () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 10, maxLength: 80, size: "max" }), (ops) => {
        const storage = new MemoryStorage();
        const log = newLog(storage);
        // Leaders seen so far, with their term; each new leader forks a recent one and may add
        // entries at its own, fresh term.
        const leaders: { term: number; log: Terms }[] = [{ term: 0, log: [] }];
        let maxTerm = 0;
        // The follower's current term: it ignores leaders of older terms, as raft does.
        let term = 0;
        const model: Terms = [];
        let committed = 0;
        let applied = 0;
        let compactedTo = 0;
        // Writes in flight, in issue order, each with the (index, term) it acknowledges and the
        // follower's term when it was issued.
        const writes: { ents: Entry[]; ack: { index: number; term: number }; term: number }[] = [];

        for (const op of ops) {
          switch (op.k) {
            case "lead": {
              // Fork one of the two latest leaders near its end: that is where logs diverge.
              const base = (leaders[Math.max(0, leaders.length - 1 - (op.base % 2))] as { log: Terms }).log;
              maxTerm++;
              const next = base.slice(0, Math.max(0, base.length - (op.keep % 3)));
              for (let i = 0; i < op.extra; i++) next.push(maxTerm);
              leaders.push({ term: maxTerm, log: next });
              if (leaders.length > 6) leaders.shift();
              break;
            }
            case "deliver": {
              const { term: leaderTerm, log: leader } = leaders[Math.max(0, leaders.length - 1 - (op.which % 3))] as {
                term: number;
                log: Terms;
              };
              if (leaderTerm < term) break;
              // A leader's log always holds everything committed (Leader Completeness).
              if (leader.length < committed || leader.slice(0, committed).some((t, i) => t !== model[i])) break;
              term = leaderTerm;
              const prev = op.from % (leader.length + 1);
              const prevTerm = prev === 0 ? 0 : (leader[prev - 1] as number);
              const ents = leader.slice(prev).map((t, i) => entry(prev + 1 + i, t));
              const leaderCommit = op.commit % (leader.length + 1);
              const matches = prev >= compactedTo && prev <= model.length && (prev === 0 ? 0 : model[prev - 1]) === prevTerm;
              const got = log.maybeAppend({ term: leaderTerm, prev: { index: prev, term: prevTerm }, entries: ents }, leaderCommit);
              if (!matches) {
                expect(got).toBeUndefined();
                break;
              }
              expect(got).toBe(prev + ents.length);
              const conflict = ents.findIndex((e) => model[e.index - 1] !== e.term);
              if (conflict >= 0) {
                model.length = prev + conflict;
                for (const e of ents.slice(conflict)) model.push(e.term);
              }
              committed = Math.max(committed, Math.min(leaderCommit, prev + ents.length));
              break;
            }
            case "accept": {
              // As rawnode does for async storage writes: acknowledge the log's last entry whenever
              // unstable entries exist, even if this write carries none.
              if (!log.hasNextOrInProgressUnstableEnts()) break;
              const ents = log.nextUnstableEnts();
              log.acceptUnstable();
              writes.push({ ents, ack: log.lastEntryID(), term });
              break;
            }
            case "write": {
              // Writes complete in issue order. raft drops an acknowledgement from an older term:
              // a newer leader may have replaced entries that a later write will overwrite again.
              const w = writes.shift();
              if (w === undefined) break;
              storage.append(w.ents);
              if (w.term === term) log.stableTo(w.ack);
              break;
            }
            case "apply": {
              const ents = log.nextCommittedEnts(false);
              const last = ents[ents.length - 1];
              if (last === undefined) break;
              expect(last.index).toBeLessThan(log.unstable.offset);
              log.acceptApplying(last.index, entsSize(ents), false);
              log.appliedTo(last.index, entsSize(ents));
              applied = last.index;
              break;
            }
            case "compact": {
              if (applied <= compactedTo) break;
              const at = compactedTo + 1 + (op.at % (applied - compactedTo));
              storage.compact(at);
              compactedTo = at;
              break;
            }
          }

          // The log is the model, from the compaction point on.
          expect(log.firstIndex()).toBe(compactedTo + 1);
          expect(log.lastIndex()).toBe(model.length);
          const view = log.slice(log.firstIndex(), log.lastIndex() + 1, NO_LIMIT);
          expect(view.map((e) => e.term)).toEqual(model.slice(compactedTo));
          const contiguous = view.every((e, i) => e.index === compactedTo + 1 + i);
          const nonDecreasing = view.every((e, i) => i === 0 || e.term >= (view[i - 1] as Entry).term);
          expect([contiguous, nonDecreasing]).toEqual([true, true]);
          expect(log.term(compactedTo)).toBe(compactedTo === 0 ? 0 : model[compactedTo - 1]);
          expect([log.committed, log.applied]).toEqual([committed, applied]);
          // Whatever the log reads from storage (below the unstable offset) is right.
          const stableEnd = log.unstable.offset;
          if (stableEnd > storage.firstIndex()) {
            const stored = storage.entries(storage.firstIndex(), stableEnd, NO_LIMIT);
            expect(stored.map((e) => e.term)).toEqual(model.slice(compactedTo, stableEnd - 1));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("MemoryStorage under random appends and compactions", () => {
  type SOp = { k: "append"; at: number; terms: number[] } | { k: "compact"; at: number } | { k: "read"; lo: number; hi: number; max: number };
  const arbSOp: fc.Arbitrary<SOp> = fc.oneof(
    fc.record({ k: fc.constant("append" as const), at: fc.nat(), terms: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 5 }) }),
    fc.record({ k: fc.constant("compact" as const), at: fc.nat() }),
    fc.record({ k: fc.constant("read" as const), lo: fc.nat(), hi: fc.nat(), max: fc.integer({ min: 0, max: 40 }) }),
  );

  it("entries(lo, hi) is what was appended, minus what was compacted, cut at maxSize", () => {
    fc.assert(
      fc.property(fc.array(arbSOp, { minLength: 5, maxLength: 50, size: "max" }), (ops) => {
        const s = new MemoryStorage();
        const model: number[] = []; // model[i - 1] = term of index i
        let compactedTo = 0;
        for (const op of ops) {
          if (op.k === "append") {
            // Start anywhere from the beginning of time to right after the last entry.
            const from = 1 + (op.at % (model.length + 1));
            const base = from === 1 ? 0 : (model[from - 2] as number);
            let t = Math.max(base, 1);
            const ents = op.terms.map((d, i) => entry(from + i, (t += d - 1)));
            s.append(ents);
            // Entries at or below the compaction point are skipped; the rest replace the tail.
            const fresh = ents.filter((e) => e.index > compactedTo);
            if (fresh.length > 0) {
              model.length = (fresh[0] as Entry).index - 1;
              for (const e of fresh) model.push(e.term);
            }
          } else if (op.k === "compact") {
            const at = op.at % (model.length + 1);
            let code: string | undefined;
            try {
              s.compact(at);
            } catch (e) {
              code = raftErrorOf(e);
            }
            if (at <= compactedTo) expect(code).toBe("ErrCompacted");
            else compactedTo = at;
          } else {
            const lo = compactedTo + 1 + (op.lo % (model.length - compactedTo + 1));
            const hi = lo + (op.hi % (model.length - lo + 2));
            if (model.length === compactedTo) {
              expect(() => s.entries(lo, hi, op.max)).toThrow();
              continue;
            }
            const got = s.entries(lo, hi, op.max);
            const want = model.slice(lo - 1, hi - 1);
            expect(got.map((e) => e.term)).toEqual(want.slice(0, got.length));
            expect(got.map((e) => e.index)).toEqual(want.slice(0, got.length).map((_, i) => lo + i));
            if (hi > lo) expect(got.length).toBeGreaterThan(0);
            if (got.length > 1) expect(entsSize(got)).toBeLessThanOrEqual(op.max);
          }
          expect(s.firstIndex()).toBe(compactedTo + 1);
          expect(s.lastIndex()).toBe(Math.max(model.length, compactedTo));
          expect(s.term(compactedTo)).toBe(compactedTo === 0 ? 0 : model[compactedTo - 1]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
