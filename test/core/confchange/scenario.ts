// Runs a sequence of conf changes against one tracker and shows each outcome the way etcd's
// confchange tests print it: the config line, then one line per progress, or the refusal.

import { Changer } from "../../../src/core/confchange/changer.js";
import { confChangesFromString } from "../../../src/core/confchange/conf-change.js";
import { describeProgressMap } from "../../../src/core/tracker/progress.js";
import { ProgressTracker } from "../../../src/core/tracker/tracker.js";

export type Step =
  | { readonly simple: string }
  | { readonly enterJoint: string; readonly autoLeave?: boolean }
  | { readonly leaveJoint: true };

/**
 * Applies each step in turn; a refused step leaves the tracker as it was. The changer's last
 * index is the step number (0, 1, 2...), so `next=` in the output tells in which step a peer was
 * added.
 */
export function runSteps(steps: readonly Step[]): string[] {
  const tracker = new ProgressTracker(10, 0);
  return steps.map((step, lastIndex) => {
    const changer = new Changer(tracker, lastIndex);
    const result =
      "simple" in step
        ? changer.simple(...confChangesFromString(step.simple))
        : "enterJoint" in step
          ? changer.enterJoint(step.autoLeave ?? false, ...confChangesFromString(step.enterJoint))
          : changer.leaveJoint();
    if (!result.ok) return result.error;
    tracker.config = result.config;
    tracker.progress = result.progress;
    return `${tracker.config.toString()}\n${describeProgressMap(tracker.progress)}`.trimEnd();
  });
}

/** Joins expected output lines (one step's output). */
export function out(...lines: string[]): string {
  return lines.join("\n");
}
