// Flag parsing shared by the subcommands: node:util parseArgs in strict mode, with every parse
// error turned into a one-line UsageError (exit 2).
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

export function parseFlags(command: string, args: readonly string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed["values"], positionals };
  } catch (e) {
    // parseArgs explains some mistakes over several lines; the CLI reports errors on one.
    const message = (e instanceof Error ? e.message : String(e)).split("\n").join(" ");
    throw new UsageError(`${command}: ${message}`);
  }
}

export function stringFlag(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

export function boolFlag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/** A non-negative integer flag, exact in a double. */
export function intFlag(p: Parsed, name: string, fallback: number, min = 0): number {
  const raw = stringFlag(p, name);
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} wants an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return n;
}
