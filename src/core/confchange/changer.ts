// Validated membership changes: simple (one voter at a time) and joint consensus.

import type { ConfChangeSingle, Index, NodeId } from "../types.js";
import { MajorityConfig } from "../quorum/majority.js";
import { TrackerConfig } from "../tracker/config.js";
import { Inflights } from "../tracker/inflights.js";
import { Progress, type ProgressMap } from "../tracker/progress.js";
import type { ProgressTracker } from "../tracker/tracker.js";

/**
 * Outcome of a change: the new configuration and progress map (to install in the tracker), or why
 * the change was refused, in etcd's words. A refused change leaves the tracker untouched.
 */
export type ChangeResult =
  | { readonly ok: true; readonly config: TrackerConfig; readonly progress: ProgressMap }
  | { readonly ok: false; readonly error: string };

/** Why a change is refused (thrown internally, returned as a ChangeResult). */
class Refusal extends Error {}

/**
 * etcd's confchange.Changer. Computes the configuration that results from applying changes to the
 * tracker's, checking every rule first, without modifying the tracker itself.
 */
export class Changer {
  /**
   * @param tracker the active configuration and progress (read only).
   * @param lastIndex the leader's last log index: where new peers start being probed.
   */
  constructor(
    readonly tracker: ProgressTracker,
    readonly lastIndex: Index,
  ) {}

  /**
   * Enters a joint configuration: the current voters become the outgoing half, and `changes` are
   * applied to a copy that becomes the incoming half (thesis §4.3, C_old,new). Refused if already
   * joint or if there are no voters.
   */
  enterJoint(autoLeave: boolean, ...changes: readonly ConfChangeSingle[]): ChangeResult {
    return this.#attempt(() => {
      const { config, progress } = this.#checkAndCopy();
      if (isJoint(config)) throw new Refusal("config is already joint");
      // Adding to an empty config is allowed (bootstrap), making it joint is not.
      if (config.voters[0].size === 0) throw new Refusal("can't make a zero-voter config joint");
      config.voters[1].clear();
      for (const id of config.voters[0]) config.voters[1].add(id);
      this.#apply(config, progress, changes);
      config.autoLeave = autoLeave;
      return checkAndReturn(config, progress);
    });
  }

  /**
   * Leaves the joint configuration: the incoming half alone decides, staged learners (learnersNext)
   * become learners, and peers only the outgoing half still held are dropped. Refused if not joint.
   */
  leaveJoint(): ChangeResult {
    return this.#attempt(() => {
      const { config, progress } = this.#checkAndCopy();
      if (!isJoint(config)) throw new Refusal("can't leave a non-joint config");
      for (const id of config.learnersNext) {
        config.learners.add(id);
        mustGet(progress, id).isLearner = true;
      }
      config.learnersNext.clear();
      for (const id of config.voters[1]) {
        if (!config.voters[0].has(id) && !config.learners.has(id)) progress.delete(id);
      }
      config.voters[1].clear();
      config.autoLeave = false;
      return checkAndReturn(config, progress);
    });
  }

  /**
   * Applies `changes` without joint consensus. Refused in a joint config, if the voters would
   * change by more than one (symmetric difference), or if no voter would remain.
   */
  simple(...changes: readonly ConfChangeSingle[]): ChangeResult {
    return this.#attempt(() => {
      const { config, progress } = this.#checkAndCopy();
      if (isJoint(config)) throw new Refusal("can't apply simple config change in joint config");
      this.#apply(config, progress, changes);
      if (symdiff(this.tracker.config.voters[0], config.voters[0]) > 1) {
        throw new Refusal("more than one voter changed without entering joint config");
      }
      return checkAndReturn(config, progress);
    });
  }

  #attempt(change: () => { config: TrackerConfig; progress: ProgressMap }): ChangeResult {
    try {
      const { config, progress } = change();
      return { ok: true, config, progress };
    } catch (e) {
      if (e instanceof Refusal) return { ok: false, error: e.message };
      throw e;
    }
  }

  /** Applies changes to the incoming half (the outgoing half is never edited). */
  #apply(config: TrackerConfig, progress: ProgressMap, changes: readonly ConfChangeSingle[]): void {
    for (const cc of changes) {
      // etcd's server zeroes the node id of a change it decided not to apply.
      if (cc.nodeId === 0) continue;
      switch (cc.type) {
        case "ConfChangeAddNode":
          this.#makeVoter(config, progress, cc.nodeId);
          break;
        case "ConfChangeAddLearnerNode":
          this.#makeLearner(config, progress, cc.nodeId);
          break;
        case "ConfChangeRemoveNode":
          remove(config, progress, cc.nodeId);
          break;
        case "ConfChangeUpdateNode":
          // Membership is unaffected; the application tracks what an update means.
          break;
        default:
          throw new Refusal(`unexpected conf type ${String((cc as { type: unknown }).type)}`);
      }
    }
    if (config.voters[0].size === 0) throw new Refusal("removed all voters");
  }

  /** Adds `id` as an incoming voter, promoting it if it is a learner (progress kept). */
  #makeVoter(config: TrackerConfig, progress: ProgressMap, id: NodeId): void {
    const pr = progress.get(id);
    if (pr === undefined) {
      this.#initProgress(config, progress, id, false);
      return;
    }
    pr.isLearner = false;
    config.learners.delete(id);
    config.learnersNext.delete(id);
    config.voters[0].add(id);
  }

  /**
   * Makes `id` a learner: a new peer or a demoted incoming voter becomes one at once; a peer that is
   * still an outgoing voter is staged in learnersNext until the joint config is left, so that no
   * peer is a voter and a learner at the same time. Progress is kept.
   */
  #makeLearner(config: TrackerConfig, progress: ProgressMap, id: NodeId): void {
    const pr = progress.get(id);
    if (pr === undefined) {
      this.#initProgress(config, progress, id, true);
      return;
    }
    if (pr.isLearner) return;
    remove(config, progress, id);
    progress.set(id, pr);
    if (config.voters[1].has(id)) {
      config.learnersNext.add(id);
    } else {
      pr.isLearner = true;
      config.learners.add(id);
    }
  }

  /** A new peer, probed from the last index, counted as active so check-quorum spares it. */
  #initProgress(config: TrackerConfig, progress: ProgressMap, id: NodeId, isLearner: boolean): void {
    if (isLearner) config.learners.add(id);
    else config.voters[0].add(id);
    progress.set(
      id,
      new Progress({
        match: 0,
        next: Math.max(this.lastIndex, 1),
        inflights: new Inflights(this.tracker.maxInflight, this.tracker.maxInflightBytes),
        isLearner,
        recentActive: true,
      }),
    );
  }

  /** Copies the tracker's config and progress (after checking them) for editing. */
  #checkAndCopy(): { config: TrackerConfig; progress: ProgressMap } {
    const config = this.tracker.config.clone();
    const progress: ProgressMap = new Map();
    for (const [id, pr] of this.tracker.progress) progress.set(id, pr.copy());
    return checkAndReturn(config, progress);
  }
}

/** Removes `id` as incoming voter and learner; its progress stays while it is an outgoing voter. */
function remove(config: TrackerConfig, progress: ProgressMap, id: NodeId): void {
  if (!progress.has(id)) return;
  config.voters[0].delete(id);
  config.learners.delete(id);
  config.learnersNext.delete(id);
  if (!config.voters[1].has(id)) progress.delete(id);
}

/**
 * Checks that config and progress agree: every member has a progress, learners and voters do not
 * overlap, staged learners are outgoing voters not yet marked learner, and a non-joint config has
 * no staged learners and no auto-leave. An empty config is allowed (bootstrap starts from it).
 */
export function checkInvariants(config: TrackerConfig, progress: ProgressMap): string | null {
  for (const ids of [config.voters.ids(), config.learners, config.learnersNext]) {
    for (const id of ids) {
      if (!progress.has(id)) return `no progress for ${id}`;
    }
  }
  for (const id of config.learnersNext) {
    if (!config.voters[1].has(id)) return `${id} is in LearnersNext, but not Voters[1]`;
    if (mustGet(progress, id).isLearner) {
      return `${id} is in LearnersNext, but is already marked as learner`;
    }
  }
  for (const id of config.learners) {
    if (config.voters[1].has(id)) return `${id} is in Learners and Voters[1]`;
    if (config.voters[0].has(id)) return `${id} is in Learners and Voters[0]`;
    if (!mustGet(progress, id).isLearner) return `${id} is in Learners, but is not marked as learner`;
  }
  if (!isJoint(config)) {
    if (config.learnersNext.size > 0) return "cfg.LearnersNext must be nil when not joint";
    if (config.autoLeave) return "AutoLeave must be false when not joint";
  }
  return null;
}

function checkAndReturn(
  config: TrackerConfig,
  progress: ProgressMap,
): { config: TrackerConfig; progress: ProgressMap } {
  const problem = checkInvariants(config, progress);
  if (problem !== null) throw new Refusal(problem);
  return { config, progress };
}

function isJoint(config: TrackerConfig): boolean {
  return config.voters[1].size > 0;
}

/** Number of ids in exactly one of the two sets. */
function symdiff(a: MajorityConfig, b: MajorityConfig): number {
  let n = 0;
  for (const id of a) if (!b.has(id)) n++;
  for (const id of b) if (!a.has(id)) n++;
  return n;
}

function mustGet(progress: ProgressMap, id: NodeId): Progress {
  const pr = progress.get(id);
  if (pr === undefined) throw new Refusal(`no progress for ${id}`);
  return pr;
}

/** etcd's confchange.Describe: "ConfChangeAddNode(1) ConfChangeRemoveNode(2)". */
export function describeChanges(changes: readonly ConfChangeSingle[]): string {
  return changes.map((cc) => `${cc.type}(${cc.nodeId})`).join(" ");
}
