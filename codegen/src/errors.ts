/** A problem in an input document, located by its JSON pointer (RFC 6901). */
export class SpecError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
    readonly source = "spec",
  ) {
    super(`${source}#${pointer}: ${message}`);
    this.name = "SpecError";
  }
}

/** Two things would get the same generated name; both origins are named. */
export class NameClashError extends Error {
  constructor(
    readonly kind: string,
    readonly generatedName: string,
    readonly first: string,
    readonly second: string,
  ) {
    super(
      `${kind} name clash: "${generatedName}" would be generated for both ${first} and ${second}. ` +
        (kind === "operationId"
          ? 'Give one of them an operationId in specs/overlay.json (operations["METHOD /path"].operationId).'
          : "Give one of them a name in specs/overlay.json."),
    );
    this.name = "NameClashError";
  }
}

/** A problem in specs/overlay.json. */
export class OverlayError extends Error {
  constructor(message: string) {
    super(`specs/overlay.json: ${message}`);
    this.name = "OverlayError";
  }
}

/** Encodes one JSON pointer reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${escapePointer(String(t))}`).join("");
}
