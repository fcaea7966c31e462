// Splitting `--driver "<cmd>"` into argv like a shell would, without running one.
import { describe, expect, it } from "vitest";
import { splitShellWords } from "../../src/driver/shell-words.js";

describe("splitShellWords", () => {
  it("splits on runs of blanks", () => {
    expect(splitShellWords("  ./bin/driver --nodes 3\t-v ")).toEqual(["./bin/driver", "--nodes", "3", "-v"]);
  });

  it("keeps single-quoted text literal", () => {
    expect(splitShellWords("go run './cmd/my driver' '$HOME' ''")).toEqual(["go", "run", "./cmd/my driver", "$HOME", ""]);
  });

  it("honours backslash escapes inside double quotes and outside quotes", () => {
    expect(splitShellWords('java -Dx="a \\"b\\" c" my\\ driver')).toEqual(["java", '-Dx=a "b" c', "my driver"]);
    expect(splitShellWords('"C:\\path"')).toEqual(["C:\\path"]);
  });

  it("does nothing else a shell would: no variables, globs or redirections", () => {
    expect(splitShellWords("driver $HOME *.go > out")).toEqual(["driver", "$HOME", "*.go", ">", "out"]);
  });

  it("refuses unterminated quotes with their column", () => {
    expect(() => splitShellWords("driver 'oops")).toThrow("unterminated single quote at column 8");
    expect(() => splitShellWords('driver "oops')).toThrow("unterminated double quote at column 8");
  });
});
