/**
 * Reader for Teradyne's "CTRD import/export" text (the Spectrum ICT datalog): nested
 * `(KEY: item item ...)` lists where an item is another list, a quoted string (may span lines)
 * or bare text up to the next list or closing parenthesis (`(TIME: 02/09/2023 16:44:11 )`,
 * `(PROG_NAME: C:\TP\start.bat)`). Commas between list entries are separators. A `(` that does
 * not open a `KEY:` list is ordinary text (`C:\Program Files (x86)\...`). Every list knows its
 * line; unbalanced input fails naming the line where the unclosed list or string starts.
 */

export interface SNode {
  key: string;
  line: number;
  items: SItem[];
}

export type SItem = SNode | { text: string; line: number; quoted: boolean };

export const isNode = (item: SItem): item is SNode => "key" in item;

export class SExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "SExprSyntaxError";
  }
}

const KEY_START = /\(\s*([A-Za-z0-9_?{}.-]+):/y;

/** The top-level lists of `text`. Text between them must be white space. */
export function parseSExpressions(text: string): SNode[] {
  const n = text.length;
  const top: SNode[] = [];
  const stack: SNode[] = [];
  let line = 1;
  // The text since the last parenthesis or quote (an item's bare text) and where it starts.
  let segStart = 0;
  let segLine = 1;
  let parenDepth = 0; // "(" inside bare text

  const flushText = (end: number) => {
    const raw = text.slice(segStart, end);
    const t = raw.trim();
    if (t === "" || t === ",") return;
    const lead = raw.length - raw.trimStart().length;
    let at = segLine;
    for (let k = 0; k < lead; k++) if (raw.charCodeAt(k) === 10) at++;
    const parent = stack[stack.length - 1];
    if (!parent)
      throw new SExprSyntaxError(`text outside any (KEY: ...) list: ${JSON.stringify(t.slice(0, 40))}`, at);
    parent.items.push({ text: t.replace(/^,\s*|\s*,$/g, ""), line: at, quoted: false });
  };
  const restart = (at: number) => {
    segStart = at;
    segLine = line;
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 40 /* ( */) {
      KEY_START.lastIndex = i;
      const m = parenDepth === 0 ? KEY_START.exec(text) : null;
      if (m) {
        flushText(i);
        const node: SNode = { key: m[1] as string, line, items: [] };
        for (let k = i; k < KEY_START.lastIndex; k++) if (text.charCodeAt(k) === 10) line++;
        const parent = stack[stack.length - 1];
        if (parent) parent.items.push(node);
        else top.push(node);
        stack.push(node);
        i = KEY_START.lastIndex;
        restart(i);
        continue;
      }
      if (stack.length === 0) throw new SExprSyntaxError("a '(' that does not open a (KEY: ...) list", line);
      parenDepth++;
      i++;
      continue;
    }
    if (c === 41 /* ) */) {
      if (parenDepth > 0) {
        parenDepth--;
        i++;
        continue;
      }
      flushText(i);
      if (stack.length === 0) throw new SExprSyntaxError("a ')' without a matching '('", line);
      stack.pop();
      i++;
      restart(i);
      continue;
    }
    if (c === 34 /* " */ && parenDepth === 0) {
      flushText(i);
      const start = line;
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new SExprSyntaxError("a quoted text is not closed (the file is truncated?)", start);
      const value = text.slice(i + 1, end);
      for (let k = 0; k < value.length; k++) if (value.charCodeAt(k) === 10) line++;
      const parent = stack[stack.length - 1];
      if (!parent) throw new SExprSyntaxError("a quoted text outside any (KEY: ...) list", start);
      parent.items.push({ text: value, line: start, quoted: true });
      i = end + 1;
      restart(i);
      continue;
    }
    i++;
  }
  flushText(n);
  const open = stack[0];
  if (open)
    throw new SExprSyntaxError(
      `the (${open.key}: ...) list opened at line ${open.line} is not closed: the file ends first (truncated?)`,
      open.line,
    );
  return top;
}

/** The text items of a list, joined by a space. */
export function textOf(node: SNode): string {
  return node.items
    .filter((i): i is Exclude<SItem, SNode> => !isNode(i))
    .map((i) => i.text)
    .join(" ")
    .trim();
}

/** The child lists called `key`. */
export function nodesOf(node: SNode, key: string): SNode[] {
  return node.items.filter((i): i is SNode => isNode(i) && i.key === key);
}

/** The first child list called `key`. */
export function nodeOf(node: SNode, key: string): SNode | undefined {
  return node.items.find((i): i is SNode => isNode(i) && i.key === key);
}

/** `KEY: value` of a list and its children as one line of text (for report text). */
export function describeNode(node: SNode): string {
  const parts = node.items.map((i) => (isNode(i) ? `(${describeNode(i)})` : i.text));
  return `${node.key}: ${parts.join(" ")}`.trim();
}
