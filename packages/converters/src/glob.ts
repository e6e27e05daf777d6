/**
 * Glob patterns for watch folders (chokidar 4 has none): `*` (within one path segment), `**`
 * (any number of segments), `?`, `{a,b}` and `[abc]`. Matched case-insensitively against the
 * path relative to the watch folder with `/` separators. A pattern without `/` matches the file
 * name in any folder (so `*.xml` also takes `sub/x.xml` in a recursive watch).
 */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  let i = 0;
  let braces = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i += 2;
        if (pattern[i] === "/") {
          i++;
          re += "(?:[^/]*/)*";
        } else re += ".*";
        continue;
      }
      re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") {
      braces++;
      re += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (c === "," && braces > 0) re += "|";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        re += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += /[.+^$()|\\]/.test(c) ? `\\${c}` : c;
    i++;
  }
  if (braces > 0) throw new SyntaxError(`unbalanced "{" in glob ${JSON.stringify(pattern)}`);
  return new RegExp(`^${re}$`, "i");
}

export type PathFilter = (relativePath: string) => boolean;

/** A filter taking paths that match one of `include` and none of `exclude`. */
export function pathFilter(include: readonly string[], exclude: readonly string[] = []): PathFilter {
  const compile = (patterns: readonly string[]) =>
    patterns.map((p) => ({ re: globToRegExp(p), baseOnly: !p.includes("/") }));
  const inc = compile(include);
  const exc = compile(exclude);
  const test = (list: typeof inc, rel: string) => {
    const base = rel.slice(rel.lastIndexOf("/") + 1);
    return list.some(({ re, baseOnly }) => re.test(baseOnly ? base : rel));
  };
  return (relativePath) => {
    const rel = relativePath.replace(/\\/g, "/");
    return test(inc, rel) && !test(exc, rel);
  };
}
