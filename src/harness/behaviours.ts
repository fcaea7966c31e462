// How the harness drives a library that lacks one of etcd's behaviours it can stand in for
// (spec/protocol.md §5.1). Two stand-ins, both declared facts of the driver rather than guesses:
//   - no `campaign`: a campaign step ticks the node alone until it starts an election (elect by
//     ticks), so a trace's set-up still elects the node it names;
//   - no `check_quorum_optional` / `pre_vote_optional` / `step_down_on_removal_optional`: the
//     library always runs CheckQuorum / PreVote / steps a leader down once its removal commits, so
//     every node is created with that option on, whatever the trace says, and the invariant
//     checker judges the run accordingly.
// Traces whose assertions depend on the behaviour itself list the feature and are skipped instead.
import type { Driver, NodeConfig, NodeId, Outcome } from "../driver/types.js";

/** Options a driver cannot switch off: each is forced on when the driver lacks its `*_optional` feature. */
export interface AlwaysOn {
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly stepDownOnRemoval: boolean;
  /** Not an option but a fact the checker needs: the commit index is not durable (no `durable_commit`). */
  readonly volatileCommit: boolean;
}

export function alwaysOn(capabilities: ReadonlySet<string>): AlwaysOn {
  return {
    checkQuorum: !capabilities.has("check_quorum_optional"),
    preVote: !capabilities.has("pre_vote_optional"),
    stepDownOnRemoval: !capabilities.has("step_down_on_removal_optional"),
    volatileCommit: !capabilities.has("durable_commit"),
  };
}

/** Ticks a campaign by ticks may take: past twice the election timeout, the node would campaign again. */
export function campaignTickBound(electionTick: number): number {
  return 2 * electionTick + 1;
}

/**
 * The driver as the harness uses it for a trace: unchanged for a driver with every behaviour
 * (the reference, etcd), else with the stand-ins above.
 */
export function withBehaviours(driver: Driver, capabilities: ReadonlySet<string>): Driver {
  const forced = alwaysOn(capabilities);
  const byTicks = !capabilities.has("campaign");
  if (!forced.checkQuorum && !forced.preVote && !forced.stepDownOnRemoval && !byTicks) return driver;
  const electionTick = new Map<NodeId, number>();
  const create = async (node: NodeId, config: NodeConfig, storage: Parameters<Driver["create"]>[2]): Promise<void> => {
    electionTick.set(node, config.electionTick);
    const c: NodeConfig = {
      ...config,
      ...(forced.checkQuorum ? { checkQuorum: true } : {}),
      ...(forced.preVote ? { preVote: true } : {}),
      ...(forced.stepDownOnRemoval ? { stepDownOnRemoval: true } : {}),
    };
    return driver.create(node, c, storage);
  };
  const campaign = async (node: NodeId): Promise<Outcome> => {
    if (!byTicks) return driver.campaign(node);
    // etcd's Campaign on a leader, a learner or a node outside the configuration changes nothing;
    // ticks change nothing either, for at most the bound. On a candidate it starts a new election
    // in the next term, which ticks show as the term rising (a pre-candidate's new pre-election
    // leaves no trace in the status, so one tick is all a pre-candidate gets).
    const bound = campaignTickBound(electionTick.get(node) ?? 10);
    const start = await driver.status(node);
    if (start.softState.raftState === "StateLeader") return { ok: true };
    const again = start.softState.raftState === "StateCandidate";
    for (let i = 0; i < bound; i++) {
      await driver.tick(node);
      const after = await driver.status(node);
      const role = after.softState.raftState;
      if (role === "StateLeader") return { ok: true };
      if (!again && (role === "StateCandidate" || role === "StatePreCandidate")) return { ok: true };
      if (again && (role !== "StateCandidate" || after.hardState.term > start.hardState.term)) return { ok: true };
    }
    return { ok: true };
  };
  // A campaign by ticks is several driver calls. The harness may start calls without awaiting the
  // previous one (a plan's calls go out together, as one batch under protocol version 2), so calls
  // made while a campaign by ticks is under way wait for its end, in the order they were made: a
  // status read planned after a campaign sees its end. Other calls go straight through, so a plan
  // without a campaign stays one batch.
  let gate: Promise<void> | undefined;
  const inTurn =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>, several = false) =>
    (...a: A): Promise<R> => {
      if (gate === undefined && !several) return f(...a);
      let result!: Promise<R>;
      const started = (gate ?? Promise.resolve()).then(() => {
        try {
          result = f(...a);
        } catch (e) {
          result = Promise.reject(e);
        }
      });
      const done = started.then(() => result);
      // After several calls, the next waits for their end; after one, only for its start.
      const next = several ? done.then(() => undefined, () => undefined) : started;
      gate = next;
      void next.then(() => {
        if (gate === next) gate = undefined;
      });
      return done;
    };
  const wrappedCreate = inTurn(create);
  const wrappedCampaign = inTurn(campaign, byTicks);
  return new Proxy(driver, {
    get(target, prop, receiver) {
      if (prop === "create") return wrappedCreate;
      if (prop === "campaign") return wrappedCampaign;
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return inTurn((value as (...a: unknown[]) => Promise<unknown>).bind(target));
    },
  });
}
