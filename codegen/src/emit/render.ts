/** Small helpers for writing TypeScript source text. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key, quoted when it is not a plain identifier. */
export function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** "tag Production" or "tags Process, Production": the server tags a module was generated from. */
export function tagsLabel(tags: readonly string[]): string {
  return `${tags.length > 1 ? "tags" : "tag"} ${tags.join(", ")}`;
}

export function literal(value: unknown): string {
  return JSON.stringify(value);
}

/** A JSDoc block from free text: HTML tags and entities removed, `*\/` neutralised. */
export function jsdoc(lines: (string | undefined)[], indent = ""): string {
  const text = lines
    .filter((line): line is string => line !== undefined && line.trim() !== "")
    .flatMap((line) => cleanText(line).split("\n"))
    .map((line) => line.trimEnd());
  while (text.length > 0 && text[text.length - 1] === "") text.pop();
  if (text.length === 0) return "";
  if (text.length === 1 && indent.length + (text[0] as string).length <= 100)
    return `${indent}/** ${text[0]} */\n`;
  return `${indent}/**\n${text.map((line) => `${indent} *${line === "" ? "" : ` ${line}`}`).join("\n")}\n${indent} */\n`;
}

function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/\*\//g, "*\\/")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
