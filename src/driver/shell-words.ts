// `--driver "<cmd>"` is split into argv the way a POSIX shell splits words, but nothing else a
// shell does happens: no variables, globs, pipes or redirections. The driver is spawned directly.

export class ShellWordsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShellWordsError";
  }
}

/** Splits on unquoted whitespace; '…' is literal, "…" honours \" \\ \$ \`, \x outside quotes is x. */
export function splitShellWords(command: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < command.length) {
    const c = command[i] as string;
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end === -1) throw new ShellWordsError(`unterminated single quote at column ${i + 1} of ${JSON.stringify(command)}`);
      word += command.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= command.length) throw new ShellWordsError(`unterminated double quote at column ${i + 1} of ${JSON.stringify(command)}`);
        const d = command[j] as string;
        if (d === '"') break;
        const next = command[j + 1];
        if (d === "\\" && next !== undefined && '"\\$`'.includes(next)) {
          word += next;
          j += 2;
        } else {
          word += d;
          j++;
        }
      }
      inWord = true;
      i = j + 1;
    } else if (c === "\\") {
      const next = command[i + 1];
      if (next === undefined) throw new ShellWordsError(`trailing backslash in ${JSON.stringify(command)}`);
      if (next !== "\n") word += next; // backslash-newline continues the line
      inWord = inWord || next !== "\n";
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
