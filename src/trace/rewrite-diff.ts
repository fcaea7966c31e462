// A unified diff (as `diff -u` prints it) of two texts, for `rewrite` to show what it changes.

/** Above this many cells the middle part is shown as one replaced block rather than aligned. */
const MAX_LCS_CELLS = 16_000_000;

type Op = { readonly tag: " " | "-" | "+"; readonly text: string };

export function unifiedDiff(before: string, after: string, nameBefore: string, nameAfter: string, context = 3): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = align(a, b);
  const hunks: string[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]?.tag === " ") {
      k++;
      continue;
    }
    // A hunk: this change plus context, merged with the next change when their contexts meet.
    let start = Math.max(0, k - context);
    let end = k;
    for (;;) {
      while (end < ops.length && ops[end]?.tag !== " ") end++;
      let next = end;
      while (next < ops.length && ops[next]?.tag === " ") next++;
      if (next < ops.length && next - end <= 2 * context) {
        end = next;
        continue;
      }
      end = Math.min(ops.length, end + context);
      break;
    }
    const lineA = 1 + ops.slice(0, start).filter((o) => o.tag !== "+").length;
    const lineB = 1 + ops.slice(0, start).filter((o) => o.tag !== "-").length;
    const body = ops.slice(start, end);
    const countA = body.filter((o) => o.tag !== "+").length;
    const countB = body.filter((o) => o.tag !== "-").length;
    hunks.push(`@@ -${range(lineA, countA)} +${range(lineB, countB)} @@`, ...body.map((o) => `${o.tag}${o.text}`));
    k = end;
    start = end;
  }
  return [`--- ${nameBefore}`, `+++ ${nameAfter}`, ...hunks, ""].join("\n");
}

function range(line: number, count: number): string {
  // diff -u names the line before an empty range.
  return count === 1 ? `${line}` : `${count === 0 ? line - 1 : line},${count}`;
}

function splitLines(s: string): string[] {
  const lines = s.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function align(a: readonly string[], b: readonly string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  const same = (lines: readonly string[]): Op[] => lines.map((text) => ({ tag: " ", text }));
  return [...same(a.slice(0, pre)), ...lcs(midA, midB), ...same(a.slice(a.length - suf))];
}

function lcs(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_LCS_CELLS) {
    return [...a.map((text): Op => ({ tag: "-", text })), ...b.map((text): Op => ({ tag: "+", text }))];
  }
  const w = m + 1;
  const dp = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * w + j] = a[i] === b[j] ? (dp[(i + 1) * w + j + 1] as number) + 1 : Math.max(dp[(i + 1) * w + j] as number, dp[i * w + j + 1] as number);
    }
  }
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ tag: " ", text: a[i] as string });
      i++;
      j++;
    } else if (i < n && (j >= m || (dp[(i + 1) * w + j] as number) >= (dp[i * w + j + 1] as number))) {
      out.push({ tag: "-", text: a[i] as string });
      i++;
    } else {
      out.push({ tag: "+", text: b[j] as string });
      j++;
    }
  }
  return out;
}
