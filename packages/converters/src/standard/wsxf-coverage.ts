/**
 * Did a WSXF file lose content on the way in? The WSXF reader of `@tswats/report` reads the
 * elements and attributes it knows and passes over the rest, so the converter compares the file
 * with the WSXF the converted reports give back (`toWsxf`): an element that occurs more often in
 * the file, or an attribute with a value that the reports never carry, is content that was not
 * converted, and each one is named (with the line of its first occurrence) in a warning.
 */
import { type Report, toWsxf } from "@tswats/report";
import { readXmlTree, type XmlElement } from "./shared/xml-tree.js";

interface Tally {
  elements: Map<string, { count: number; line: number }>;
  attributes: Map<string, { count: number; line: number }>;
}

/** WSXF bookkeeping that WATS derives again (measurement numbering): not content. */
const DERIVED = new Set(["MeasOrderNumber"]);

const local = (name: string) => name.slice(name.indexOf(":") + 1);

function tally(root: XmlElement, into: Tally = { elements: new Map(), attributes: new Map() }): Tally {
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop() as XmlElement;
    const name = local(e.name);
    const el = into.elements.get(name);
    if (el) el.count++;
    else into.elements.set(name, { count: 1, line: e.line });
    for (const [attr, value] of Object.entries(e.attributes)) {
      if (attr === "xmlns" || attr.startsWith("xmlns:") || attr.startsWith("xsi:") || value.trim() === "")
        continue;
      const key = `${name}@${local(attr)}`;
      const a = into.attributes.get(key);
      if (a) a.count++;
      else into.attributes.set(key, { count: 1, line: e.line });
    }
    for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i] as XmlElement);
  }
  return into;
}

/** Warnings for every element and attribute of `text` that `reports` do not carry. */
export function uncarriedWsxfContent(text: string, reports: readonly Report[], fileName: string): string[] {
  const input = tally(readXmlTree(text, fileName));
  const output: Tally = { elements: new Map(), attributes: new Map() };
  for (const report of reports) tally(readXmlTree(toWsxf(report), fileName), output);
  const out: string[] = [];
  for (const [name, { count, line }] of input.elements) {
    if (name === "Reports") continue;
    const carried = output.elements.get(name)?.count ?? 0;
    if (count > carried)
      out.push(
        `${fileName} line ${line}: ${count} <${name}> element(s) in the file, ${carried} in the converted report(s); ${count - carried} not converted`,
      );
  }
  const missing = new Map<string, { attributes: string[]; line: number }>();
  for (const [key, { line }] of input.attributes) {
    if (output.attributes.has(key)) continue;
    const [element, attr] = key.split("@") as [string, string];
    if (DERIVED.has(attr)) continue;
    const m = missing.get(element);
    if (m) m.attributes.push(attr);
    else missing.set(element, { attributes: [attr], line });
  }
  for (const [element, { attributes, line }] of missing)
    out.push(`${fileName} line ${line}: attribute(s) ${attributes.join(", ")} of <${element}> not converted`);
  return out;
}
