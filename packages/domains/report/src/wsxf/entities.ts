/**
 * Entity references these XML readers do not expand. XML has five predefined entities and
 * numeric character references; anything else (`&sn;`) is either declared in a DOCTYPE (which
 * WATS itself refuses: its XML readers prohibit DTDs) or undeclared (not well-formed). Left
 * alone, a parser keeps such a reference as literal text and `&sn;` would become a serial number,
 * so a document with one is refused, naming the entity and where it is.
 */

export interface UnsupportedEntity {
  /** The entity name (`sn` for `&sn;`), or `""` for an `<!ENTITY` declaration itself. */
  name: string;
  /** Whether the document declares it (in its DOCTYPE). */
  declared: boolean;
  line: number;
  column: number;
  /** One sentence for the user. */
  message: string;
}

const PREDEFINED = new Set(["amp", "lt", "gt", "quot", "apos"]);

/** Blanks out comments and CDATA sections (keeping line breaks), where `&` means nothing. */
function withoutLiteralSections(xml: string): string {
  return xml.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (section) =>
    section.replace(/[^\n]/g, " "),
  );
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** The first entity declaration or unsupported entity reference of a document, if any. */
export function findUnsupportedXmlEntity(xml: string): UnsupportedEntity | undefined {
  const text = withoutLiteralSections(xml);
  const declared = new Set<string>();
  const declaration = /<!ENTITY\s+%?\s*([A-Za-z_:][\w.:-]*)/g;
  let firstDeclaration: number | undefined;
  for (let m = declaration.exec(text); m; m = declaration.exec(text)) {
    declared.add(m[1] as string);
    firstDeclaration ??= m.index;
  }
  const reference = /&([A-Za-z_:][\w.:-]*);/g;
  for (let m = reference.exec(text); m; m = reference.exec(text)) {
    const name = m[1] as string;
    if (PREDEFINED.has(name)) continue;
    const at = position(xml, m.index);
    const isDeclared = declared.has(name);
    return {
      name,
      declared: isDeclared,
      ...at,
      message: isDeclared
        ? `line ${at.line}, column ${at.column}: the entity &${name}; is declared in the DOCTYPE; DTD entities are not expanded (WATS refuses DTDs too), so the document is refused rather than read with "&${name};" as text`
        : `line ${at.line}, column ${at.column}: &${name}; is not a declared entity (only &amp; &lt; &gt; &quot; &apos; and character references like &#233; are); the document is not well-formed XML`,
    };
  }
  if (firstDeclaration !== undefined) {
    const at = position(xml, firstDeclaration);
    return {
      name: "",
      declared: true,
      ...at,
      message: `line ${at.line}, column ${at.column}: the DOCTYPE declares entities; DTD entities are not expanded (WATS refuses DTDs too), so the document is refused`,
    };
  }
  return undefined;
}
