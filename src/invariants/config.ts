// Membership: configurations keep etcd's shape rules, and leaders and candidates respect the
// one-change-at-a-time discipline that keeps old and new quorums overlapping.
import type { InvariantDef, StepContext } from "./context.js";
import type { NodeKey } from "./observation.js";
import { fmtConfig, isJoint, sameSet, symmetricDifference } from "./quorum.js";

const hasDuplicates = (xs: readonly NodeKey[]): boolean => new Set(xs).size !== xs.length;

export const configWellFormed: InvariantDef = {
  id: "config-well-formed",
  name: "ConfigWellFormed",
  definition:
    "Learners are disjoint from both voter sets and lists have no duplicates; voters never become empty once set; within an incarnation, outside snapshot installs (including one stepped in and not yet handed out) and steps applying several config entries, a config changes by at most one voter unless it enters a joint config (outgoing = previous voters), leaves one (incoming unchanged), and never changes while joint.",
  tla: "etcd confchange.checkInvariants and Changer.Simple; etcd PR #381 LearnersVotersDisjointInv, SingleConfigOutgoingEmptyInv, JointConfigNonEmptyInv",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const c = n.cur.config;
      const p = n.prev;
      if (p !== undefined && !n.configChanged) continue;
      const voters = new Set([...c.voters, ...c.votersOutgoing]);
      const both = c.learners.filter((x) => voters.has(x));
      if (both.length > 0) ctx.report(this, `node ${n.id} has [${both.join(",")}] both learner and voter in ${fmtConfig(c)}`, [n.id]);
      if (hasDuplicates(c.voters) || hasDuplicates(c.votersOutgoing) || hasDuplicates(c.learners)) {
        ctx.report(this, `node ${n.id} has duplicate members in ${fmtConfig(c)}`, [n.id]);
      }
      if (c.voters.length > 0) ctx.state.configInitialised.add(n.id);
      else if (ctx.state.configInitialised.has(n.id)) ctx.report(this, `node ${n.id} has no voters left in ${fmtConfig(c)}`, [n.id]);
      // A snapshot may fold several changes into one config: skip steps that install one, and
      // steps after which the node holds output not handed out yet (a stepped-in MsgSnap restores
      // the config at once; its snapshot reaches the log view only with the next Ready).
      if (!n.continuous || p === undefined || n.change.snapshot !== undefined || n.cur.logPending === true) continue;
      if (n.applied.filter((e) => e.kind === "config").length > 1) continue;
      const was = p.config;
      const msg = (why: string): void => ctx.report(this, `node ${n.id} config went from ${fmtConfig(was)} to ${fmtConfig(c)}: ${why}`, [n.id]);
      if (!isJoint(was) && !isJoint(c)) {
        if (symmetricDifference(was.voters, c.voters) > 1) msg("more than one voter changed without joint consensus");
      } else if (!isJoint(was)) {
        if (!sameSet(c.votersOutgoing, was.voters)) msg("entering a joint config must keep the previous voters as outgoing");
      } else if (isJoint(c)) {
        if (!sameSet(c.voters, was.voters) || !sameSet(c.votersOutgoing, was.votersOutgoing)) msg("changed while joint");
      } else if (!sameSet(c.voters, was.voters)) {
        msg("leaving a joint config must keep the incoming voters");
      }
    }
  },
};

export const reconfigDiscipline: InvariantDef = {
  id: "reconfig-discipline",
  name: "ReconfigDiscipline",
  definition:
    "A leader appends a config entry only when every earlier config entry in its log is applied, a leave-joint entry only in a joint config and other config entries only outside one — judged by the last earlier config entry in its log (enter-joint means joint), or by its config before or after the step when the log holds none (etcd's validation, off with DisableConfChangeValidation); a node starts a campaign only with no config entry in (applied, commit].",
  tla: "etcd raft.go pendingConfIndex / hasUnappliedConfChanges; etcd PR #469 HasUnappliedConfChange guard (SplitBrain456.tla); Vanlightly MaxOneReconfigurationAtATime; raft thesis membership/safety.tex",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const c = n.cur;
      const p = n.prev;
      if (c.up && c.role === "leader") {
        const applied = Math.max(c.applied, p?.applied ?? 0);
        const joint = isJoint(c.config) || (p !== undefined && isJoint(p.config));
        const notJoint = !isJoint(c.config) || (p !== undefined && !isJoint(p.config));
        for (const w of n.change.written) {
          const e = w.entry;
          if (e.kind !== "config") continue;
          const before = n.log.lastConfigBefore(e.index);
          // Every earlier config entry is applied (checked first), so the config the leader
          // validated against is the one the last of them produced: the log decides, even when
          // the config entered and left a joint state within this step (etcd's auto-leave).
          // Without such an entry in the log (compacted, or the config came from a snapshot)
          // the configs before and after the step decide.
          const prior = before > 0 ? n.log.at(before)?.confChange : undefined;
          const inJoint = prior !== undefined ? prior === "enter_joint" : undefined;
          if (before > applied) {
            ctx.report(this, `leader ${n.id} appended config entry ${e.index} while config entry ${before} is not applied (applied ${applied})`, [n.id]);
          } else if (e.confChange === "leave_joint" && !(inJoint ?? joint)) {
            const why = inJoint === false ? `: the config entry before it (${before}) is ${prior}` : "";
            ctx.report(this, `leader ${n.id} appended leave-joint entry ${e.index} outside a joint config${why}`, [n.id]);
          } else if ((e.confChange === "enter_joint" || e.confChange === "simple") && (inJoint === true || !notJoint)) {
            const where = inJoint === true ? `after enter-joint entry ${before}` : `in joint config ${fmtConfig(c.config)}`;
            ctx.report(this, `leader ${n.id} appended ${e.confChange} config entry ${e.index} while joint (${where})`, [n.id]);
          }
        }
      }
      if (!n.continuous || p === undefined) continue;
      const startsCampaign =
        (c.role === "precandidate" && (p.role === "follower" || p.role === "candidate")) ||
        (c.role === "candidate" && (p.role === "follower" || (p.role === "candidate" && c.term > p.term)));
      if (!startsCampaign) continue;
      const lo = Math.max(p.applied, c.applied);
      const hi = Math.min(p.commit, c.commit);
      const pending = n.log.configIndices.find((k) => k > lo && k <= hi);
      if (pending !== undefined) {
        ctx.report(this, `node ${n.id} started a campaign with committed config entry ${pending} unapplied (applied ${lo})`, [n.id]);
      }
    }
  },
};
