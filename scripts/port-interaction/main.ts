// Ports etcd-io/raft's interaction testdata to traces/etcd/interaction/*.yaml, reading the files
// from the local mirror at porting time (nothing of etcd's is committed), and refreshes the
// table in traces/etcd/README.md.
//   npx tsc -p scripts/port-interaction && node dist/scripts/port-interaction/main.js [--check]
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ANNOTATIONS } from "./annotations.js";
import { convertFile, ETCD_COMMIT, type Converted } from "./convert.js";
import { parseDatadriven } from "./datadriven.js";
import { traceToYaml, wrap } from "./emit.js";

const MIRROR = process.env["ETCD_RAFT_MIRROR"] ?? "/work/.mirror/etcd-io+raft/repo";
const ROOT = process.cwd();
const OUT = join(ROOT, "traces/etcd/interaction");
const README = join(ROOT, "traces/etcd/README.md");

const git = (...args: string[]): string => execFileSync("git", ["-C", MIRROR, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });

function main(): void {
  const check = process.argv.includes("--check");
  const head = git("rev-parse", "HEAD").trim();
  if (head !== ETCD_COMMIT) throw new Error(`mirror is at ${head}, expected ${ETCD_COMMIT}`);
  const files = git("ls-tree", "--name-only", "HEAD", "testdata/").trim().split("\n").map((f) => f.replace(/^testdata\//, ""));
  mkdirSync(OUT, { recursive: true });
  const rows: string[] = [];
  let stale = 0;
  let totals = { blocks: 0, ported: 0, dropped: 0 };
  for (const name of files) {
    const ann = ANNOTATIONS[name];
    if (ann === undefined) throw new Error(`no annotation for ${name}: review it and add one`);
    const conv: Converted = convertFile(name, parseDatadriven(git("show", `HEAD:testdata/${name}`)), {
      ...ann,
      description: wrap(ann.description),
      ...(ann.notes !== undefined ? { notes: wrap(ann.notes) } : {}),
    });
    if (process.env["PORT_LINES"] !== undefined) writeFileSync(join(process.env["PORT_LINES"], `${name}.json`), JSON.stringify(conv.lines));
    const base = name.replace(/\.txt$/, "").replaceAll("_", "-");
    const header = ` Ported from etcd-io/raft testdata/${name} (Apache-2.0) by scripts/port-interaction; reviewed.`;
    const text = traceToYaml(conv.trace, header);
    const path = join(OUT, `${base}.yaml`);
    let old = "";
    try {
      old = readFileSync(path, "utf8");
    } catch {
      old = "";
    }
    if (old !== text) {
      stale++;
      if (!check) writeFileSync(path, text);
    }
    const why = [...new Set(conv.dropped.map((d) => d.cmd))].map((c) => `${conv.dropped.filter((d) => d.cmd === c).length}× \`${c}\``).join(", ");
    rows.push(`| \`testdata/${name}\` | [\`${base}.yaml\`](interaction/${base}.yaml) | ${conv.ported} of ${conv.blocks} | ${why === "" ? "—" : why} |`);
    totals = { blocks: totals.blocks + conv.blocks, ported: totals.ported + conv.ported, dropped: totals.dropped + conv.dropped.length };
  }
  rows.push(`| **${files.length} files** | **${files.length} traces** | **${totals.ported} of ${totals.blocks}** | **${totals.dropped}× \`log-level\`** |`);
  const table = ["| etcd file | trace | blocks ported | blocks left out |", "|---|---|---|---|", ...rows].join("\n");
  const readme = readFileSync(README, "utf8");
  const updated = readme.replace(/(<!-- table:begin -->)[\s\S]*?(<!-- table:end -->)/, `$1\n${table}\n$2`);
  if (updated !== readme) {
    stale++;
    if (!check) writeFileSync(README, updated);
  }
  console.log(`${files.length} files, ${totals.ported} blocks ported, ${totals.dropped} left out; ${stale} file(s) ${check ? "out of date" : "written"}`);
  if (check && stale > 0) process.exitCode = 1;
}

main();
