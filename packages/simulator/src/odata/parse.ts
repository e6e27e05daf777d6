/**
 * Parser for the OData `$filter` and `$orderby` subset WATS documents for its query endpoints:
 * `eq ne gt ge lt le in`, `and or not`, parentheses, string functions, and literals (strings with
 * `''` escaping, numbers, booleans, null, DateTimeOffset/Date, GUID; the OData v3 forms
 * `datetime'...'`, `datetimeoffset'...'` and `guid'...'` are accepted too).
 * Keywords and function names are matched case-insensitively.
 */
import { parseInstant } from "../time.js";

export type ComparisonOperator = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

export type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number; integer: boolean }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "datetime"; value: number; text: string }
  | { kind: "guid"; value: string };

export type FilterExpression =
  | { type: "literal"; literal: Literal; position: number }
  | { type: "property"; name: string; position: number }
  | { type: "compare"; operator: ComparisonOperator; left: FilterExpression; right: FilterExpression }
  | { type: "in"; left: FilterExpression; values: FilterExpression[] }
  | { type: "and" | "or"; left: FilterExpression; right: FilterExpression }
  | { type: "not"; operand: FilterExpression }
  | { type: "call"; name: string; args: FilterExpression[]; position: number };

export interface OrderByItem {
  name: string;
  descending: boolean;
  position: number;
}

/** A `$filter`/`$orderby` text that does not parse; `message` says where and why. */
export class ODataSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = "ODataSyntaxError";
    this.position = position;
  }
}

type Token =
  | { type: "lparen" | "rparen" | "comma" | "end"; position: number }
  | { type: "word"; value: string; position: number }
  | { type: "literal"; literal: Literal; position: number };

const GUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Za-z_-])/y;
const DATETIME =
  /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|z|[+-]\d{2}:\d{2})?)?(?![0-9A-Za-z_.:-])/y;
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[LlMmDdFf]?(?![0-9A-Za-z_])/y;
const WORD = /[A-Za-z_$][A-Za-z0-9_]*/y;

function datetimeLiteral(text: string, position: number): Literal {
  const parsed = parseInstant(text);
  if (!parsed) throw new ODataSyntaxError(`'${text}' is not a valid date/time`, position);
  if (!parsed.dateOnly && !parsed.hasOffset) {
    throw new ODataSyntaxError(
      `the date/time '${text}' has no UTC offset; write it with 'Z' or an offset such as '+01:00'`,
      position,
    );
  }
  return { kind: "datetime", value: parsed.epochMs, text };
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = "";
  let i = start + 1;
  for (;;) {
    const c = text[i];
    if (c === undefined) throw new ODataSyntaxError("unterminated string literal", start);
    if (c === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
}

function sticky(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const position = i;
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ type: c === "(" ? "lparen" : c === ")" ? "rparen" : "comma", position });
      i++;
      continue;
    }
    if (c === "'") {
      const { value, end } = readQuoted(text, i);
      tokens.push({ type: "literal", literal: { kind: "string", value }, position });
      i = end;
      continue;
    }
    const guid = sticky(GUID, text, i);
    if (guid) {
      tokens.push({ type: "literal", literal: { kind: "guid", value: guid.toLowerCase() }, position });
      i += guid.length;
      continue;
    }
    const datetime = sticky(DATETIME, text, i);
    if (datetime) {
      tokens.push({ type: "literal", literal: datetimeLiteral(datetime, position), position });
      i += datetime.length;
      continue;
    }
    const number = sticky(NUMBER, text, i);
    if (number) {
      const digits = number.replace(/[LlMmDdFf]$/, "");
      const value = Number(digits);
      if (!Number.isFinite(value)) throw new ODataSyntaxError(`'${number}' is not a valid number`, position);
      tokens.push({
        type: "literal",
        literal: { kind: "number", value, integer: /^-?\d+$/.test(digits) },
        position,
      });
      i += number.length;
      continue;
    }
    const word = sticky(WORD, text, i);
    if (word) {
      i += word.length;
      const lower = word.toLowerCase();
      if (text[i] === "'" && (lower === "datetime" || lower === "datetimeoffset" || lower === "guid")) {
        const { value, end } = readQuoted(text, i);
        i = end;
        if (lower === "guid") {
          GUID.lastIndex = 0;
          if (!GUID.test(value) || value.length !== 36) {
            throw new ODataSyntaxError(`'${value}' is not a valid GUID`, position);
          }
          tokens.push({ type: "literal", literal: { kind: "guid", value: value.toLowerCase() }, position });
        } else {
          const parsed = parseInstant(value);
          if (!parsed) throw new ODataSyntaxError(`'${value}' is not a valid date/time`, position);
          // OData v3 datetime'...' without offset is UTC by definition.
          tokens.push({
            type: "literal",
            literal: { kind: "datetime", value: parsed.epochMs, text: value },
            position,
          });
        }
        continue;
      }
      if (lower === "true" || lower === "false") {
        tokens.push({ type: "literal", literal: { kind: "boolean", value: lower === "true" }, position });
      } else if (lower === "null") {
        tokens.push({ type: "literal", literal: { kind: "null" }, position });
      } else {
        tokens.push({ type: "word", value: word, position });
      }
      continue;
    }
    throw new ODataSyntaxError(`unexpected character '${c}'`, position);
  }
  tokens.push({ type: "end", position: text.length });
  return tokens;
}

const COMPARISONS = new Set<string>(["eq", "ne", "gt", "ge", "lt", "le"]);

class Parser {
  #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  #peek(): Token {
    return this.#tokens[this.#at] ?? { type: "end", position: 0 };
  }

  #next(): Token {
    const token = this.#peek();
    if (token.type !== "end") this.#at++;
    return token;
  }

  #isWord(value: string): boolean {
    const token = this.#peek();
    return token.type === "word" && token.value.toLowerCase() === value;
  }

  #expect(type: "lparen" | "rparen" | "comma" | "end", what: string): Token {
    const token = this.#next();
    if (token.type !== type)
      throw new ODataSyntaxError(`expected ${what} but found ${describe(token)}`, token.position);
    return token;
  }

  parseFilter(): FilterExpression {
    const expression = this.#or();
    this.#expect("end", "the end of the expression");
    return expression;
  }

  #or(): FilterExpression {
    let left = this.#and();
    while (this.#isWord("or")) {
      this.#next();
      left = { type: "or", left, right: this.#and() };
    }
    return left;
  }

  #and(): FilterExpression {
    let left = this.#not();
    while (this.#isWord("and")) {
      this.#next();
      left = { type: "and", left, right: this.#not() };
    }
    return left;
  }

  #not(): FilterExpression {
    if (this.#isWord("not")) {
      this.#next();
      return { type: "not", operand: this.#not() };
    }
    return this.#comparison();
  }

  #comparison(): FilterExpression {
    const left = this.#primary();
    const token = this.#peek();
    if (token.type === "word") {
      const op = token.value.toLowerCase();
      if (COMPARISONS.has(op)) {
        this.#next();
        return { type: "compare", operator: op as ComparisonOperator, left, right: this.#primary() };
      }
      if (op === "in") {
        this.#next();
        this.#expect("lparen", "'(' after 'in'");
        const values: FilterExpression[] = [this.#primary()];
        while (this.#peek().type === "comma") {
          this.#next();
          values.push(this.#primary());
        }
        this.#expect("rparen", "')' closing the 'in' list");
        return { type: "in", left, values };
      }
    }
    return left;
  }

  #primary(): FilterExpression {
    const token = this.#next();
    if (token.type === "lparen") {
      const inner = this.#or();
      this.#expect("rparen", "')'");
      return inner;
    }
    if (token.type === "literal")
      return { type: "literal", literal: token.literal, position: token.position };
    if (token.type === "word") {
      const lower = token.value.toLowerCase();
      if (["and", "or", "not", "in", ...COMPARISONS].includes(lower)) {
        throw new ODataSyntaxError(
          `expected a value but found the operator '${token.value}'`,
          token.position,
        );
      }
      if (this.#peek().type === "lparen") {
        this.#next();
        const args: FilterExpression[] = [];
        if (this.#peek().type !== "rparen") {
          args.push(this.#or());
          while (this.#peek().type === "comma") {
            this.#next();
            args.push(this.#or());
          }
        }
        this.#expect("rparen", `')' closing ${token.value}(`);
        return { type: "call", name: lower, args, position: token.position };
      }
      return { type: "property", name: token.value, position: token.position };
    }
    throw new ODataSyntaxError(`expected a value but found ${describe(token)}`, token.position);
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case "end":
      return "the end of the expression";
    case "lparen":
      return "'('";
    case "rparen":
      return "')'";
    case "comma":
      return "','";
    case "word":
      return `'${token.value}'`;
    case "literal":
      return "a literal";
  }
}

/** Parses a `$filter` expression. */
export function parseFilter(text: string): FilterExpression {
  if (text.trim() === "") throw new ODataSyntaxError("the $filter expression is empty", 0);
  return new Parser(tokenize(text)).parseFilter();
}

/** Parses a `$orderby` list: `name [asc|desc], ...`. */
export function parseOrderBy(text: string): OrderByItem[] {
  const items: OrderByItem[] = [];
  let offset = 0;
  for (const part of text.split(",")) {
    const trimmed = part.trim();
    const position = offset + part.indexOf(trimmed);
    offset += part.length + 1;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?$/i.exec(trimmed);
    if (!m) throw new ODataSyntaxError(`'${trimmed}' is not a valid $orderby item`, position);
    items.push({ name: m[1] as string, descending: m[2]?.toLowerCase() === "desc", position });
  }
  return items;
}
