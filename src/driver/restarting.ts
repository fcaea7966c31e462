// A Driver that survives its process: after any DriverError the next trace (its `reset`) starts a
// fresh process and handshakes again, so one trace that crashes, hangs or garbles the driver does
// not take the rest of the run with it. Every DriverError it passes on names the driver command,
// because the user has to know which program to look at.
import type { Driver, DriverInfo } from "./types.js";
import { DriverError } from "./types.js";

export function restartingDriver(start: () => Driver, command: string): Driver {
  let current = start();
  let greeted = false;
  let broken = false;

  const named = (e: DriverError): DriverError =>
    new DriverError(e.kind, `${e.message}\n  driver command: ${command} (protocol: spec/protocol.md; guide: conformance/DRIVER-GUIDE.md)`, e.command, e.code, e.details);

  /** Calls the current process; a DriverError marks it broken and names the command. */
  const now = async <T>(f: (d: Driver) => Promise<T>): Promise<T> => {
    try {
      return await f(current);
    } catch (e) {
      if (!(e instanceof DriverError)) throw e;
      broken = true;
      throw named(e);
    }
  };

  /** A restart under way: calls made meanwhile wait for it, in the order they were made. */
  let restarting: Promise<void> | undefined;

  /** Makes the call at once (so calls planned together stay together), or after a restart. */
  const guard = <T>(f: (d: Driver) => Promise<T>): Promise<T> => (restarting === undefined ? now(f) : restarting.then(() => now(f)));

  const hello = async (): Promise<DriverInfo> => {
    const info = await now((d) => d.hello());
    greeted = true;
    broken = false;
    return info;
  };

  /** Only a driver that once completed the handshake is restarted; one that never did is hopeless. */
  const restart = async (): Promise<void> => {
    await current.close().catch(() => undefined);
    current = start();
    await hello();
  };

  const wrapped: Driver = {
    hello,
    // A reset after a failure restarts the driver first; the calls planned with the reset (the
    // trace's first batch, src/harness/env.ts) wait for the restart and keep their order.
    reset: () => {
      if (broken && greeted && restarting === undefined) {
        const r = restart();
        restarting = r.then(
          () => (restarting = undefined),
          () => (restarting = undefined),
        );
        return r.then(() => guard((d) => d.reset()));
      }
      return guard((d) => d.reset());
    },
    create: (node, config, storage) => guard((d) => d.create(node, config, storage)),
    crash: (node) => guard((d) => d.crash(node)),
    tick: (node) => guard((d) => d.tick(node)),
    step: (node, msg) => guard((d) => d.step(node, msg)),
    campaign: (node) => guard((d) => d.campaign(node)),
    propose: (node, data) => guard((d) => d.propose(node, data)),
    proposeConfChange: (node, cc) => guard((d) => d.proposeConfChange(node, cc)),
    readIndex: (node, ctx) => guard((d) => d.readIndex(node, ctx)),
    transferLeader: (node, to) => guard((d) => d.transferLeader(node, to)),
    forgetLeader: (node) => guard((d) => d.forgetLeader(node)),
    reportUnreachable: (node, peer) => guard((d) => d.reportUnreachable(node, peer)),
    reportSnapshot: (node, peer, failed) => guard((d) => d.reportSnapshot(node, peer, failed)),
    setRandomizedElectionTimeout: (node, ticks) => guard((d) => d.setRandomizedElectionTimeout(node, ticks)),
    ready: (node) => guard((d) => d.ready(node)),
    get readyAdvance() {
      const fused = current.readyAdvance;
      return fused === undefined ? undefined : (node: number) => guard((d) => (d.readyAdvance ?? fused)(node));
    },
    advance: (node) => guard((d) => d.advance(node)),
    storageAppend: (node, msg) => guard((d) => d.storageAppend(node, msg)),
    storageApply: (node, msg) => guard((d) => d.storageApply(node, msg)),
    compact: (node, index) => guard((d) => d.compact(node, index)),
    status: (node) => guard((d) => d.status(node)),
    close: () => current.close(),
  };
  return wrapped;
}
