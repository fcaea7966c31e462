// A reader for cockroachdb/datadriven files as etcd's interaction tests use them: a command line
// with positional and key=value arguments, optional input lines, `----`, and the expected output
// up to the next blank line (or between `----`/`----` fences when the output has blank lines).

export interface Block {
  /** 1-based line of the command in the source file. */
  readonly line: number;
  readonly cmd: string;
  /** Arguments without a value, in order (`process-ready 1 2 3` → ["1", "2", "3"]). */
  readonly positional: readonly string[];
  /** `key=v` and `key=(v1,v2)` arguments in order; a key may repeat. */
  readonly keyed: readonly { readonly key: string; readonly values: readonly string[] }[];
  /** The arguments as written, in order (etcd's handlers sometimes depend on it). */
  readonly tokens: readonly string[];
  readonly input: readonly string[];
  readonly output: readonly string[];
}

const ARG = /[^\s=]+=\([^)]*\)|\S+/g;

function parseCommand(line: string): Pick<Block, "cmd" | "positional" | "keyed" | "tokens"> {
  const tokens = line.match(ARG) ?? [];
  const cmd = tokens.shift() ?? "";
  const raw = [...tokens];
  const positional: string[] = [];
  const keyed: { key: string; values: string[] }[] = [];
  for (const t of tokens) {
    const eq = t.indexOf("=");
    if (eq < 0) {
      positional.push(t);
      continue;
    }
    let v = t.slice(eq + 1);
    if (v.startsWith("(") && v.endsWith(")")) v = v.slice(1, -1);
    keyed.push({ key: t.slice(0, eq), values: v.split(/[,\s]+/).filter((x) => x !== "") });
  }
  return { cmd, positional, keyed, tokens: raw };
}

export function parseDatadriven(text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  let i = 0;
  const at = (k: number): string => lines[k] ?? "";
  while (i < lines.length) {
    if (at(i).trim() === "" || at(i).startsWith("#")) {
      i++;
      continue;
    }
    const line = i + 1;
    const command = parseCommand(at(i++));
    const input: string[] = [];
    while (i < lines.length && at(i) !== "----") input.push(at(i++));
    if (i >= lines.length) throw new Error(`line ${line}: command without ---- separator`);
    i++;
    const output: string[] = [];
    if (at(i) === "----") {
      i++;
      while (i < lines.length && !(at(i) === "----" && at(i + 1) === "----")) output.push(at(i++));
      i += 2;
    } else {
      while (i < lines.length && at(i).trim() !== "") output.push(at(i++));
    }
    blocks.push({ line, ...command, input, output });
  }
  return blocks;
}

export function keyedValues(b: Block, key: string): readonly string[] | undefined {
  const found = b.keyed.filter((k) => k.key === key);
  return found.length === 0 ? undefined : found.flatMap((k) => k.values);
}
