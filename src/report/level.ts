// Which level a run actually checks. A run asks for one (--level); a trace is checked at the
// highest level both the run and the driver support, so a driver without etcd's message model runs
// an `exact` request at `observable`. Every report says the level that was checked, not the one
// asked for.
import type { DriverInfo } from "../driver/types.js";

export type Level = "invariants" | "observable" | "exact";

export const LEVEL_RANK: Record<Level, number> = { invariants: 0, observable: 1, exact: 2 };

/** The highest level both the run and the driver support. */
export function effectiveLevel(requested: Level, info: Pick<DriverInfo, "messageModel">): Level {
  if (requested === "exact" && info.messageModel !== "etcd") return "observable";
  return requested;
}

/** "observable (asked for exact; …)" when the driver lowered the level, else just the level. */
export function describeLevel(requested: Level, info: Pick<DriverInfo, "messageModel">): string {
  const level = effectiveLevel(requested, info);
  if (level === requested) return level;
  return `${level} (asked for ${requested}; exact needs the etcd message model, the driver declares ${JSON.stringify(info.messageModel)})`;
}
