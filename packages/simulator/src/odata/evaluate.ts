/**
 * Binds a parsed `$filter`/`$orderby` to an entity model (property names and types) and turns it
 * into a predicate / comparator over plain row objects. Binding is where unknown properties,
 * unknown functions and type mismatches are reported, in the words ASP.NET OData uses.
 */
import { parseInstant } from "../time.js";
import type { ComparisonOperator, FilterExpression, Literal, OrderByItem } from "./parse.js";

export type FieldType = "string" | "int" | "number" | "boolean" | "datetime" | "guid";

export interface EntityModel {
  /** Type name used in error messages (`ReportHeader`). */
  readonly name: string;
  /** Property name (as on the wire) -> type. */
  readonly fields: Readonly<Record<string, FieldType>>;
}

/** A query that parses but does not fit the model. */
export class ODataBindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ODataBindError";
  }
}

type Row = Readonly<Record<string, unknown>>;
type ValueType = FieldType | "null";
type Evaluator = (row: Row) => unknown;

interface Bound {
  type: ValueType;
  evaluate: Evaluator;
}

const EDM: Record<ValueType, string> = {
  string: "Edm.String",
  int: "Edm.Int32",
  number: "Edm.Double",
  boolean: "Edm.Boolean",
  datetime: "Edm.DateTimeOffset",
  guid: "Edm.Guid",
  null: "null",
};

const OPERATOR_KIND: Record<ComparisonOperator, string> = {
  eq: "Equal",
  ne: "NotEqual",
  gt: "GreaterThan",
  ge: "GreaterThanOrEqual",
  lt: "LessThan",
  le: "LessThanOrEqual",
};

/** Resolves a property name case-insensitively to the model's spelling. */
export function resolveProperty(model: EntityModel, name: string): string {
  if (name in model.fields) return name;
  const lower = name.toLowerCase();
  const found = Object.keys(model.fields).find((key) => key.toLowerCase() === lower);
  if (!found) throw new ODataBindError(`Could not find a property named '${name}' on type '${model.name}'.`);
  return found;
}

function literalType(literal: Literal): ValueType {
  switch (literal.kind) {
    case "string":
      return "string";
    case "number":
      return literal.integer ? "int" : "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "datetime":
      return "datetime";
    case "guid":
      return "guid";
  }
}

function literalValue(literal: Literal): unknown {
  return literal.kind === "null" ? null : literal.value;
}

/** Normalises a stored value of a given type for comparison. */
function normalise(type: ValueType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case "datetime": {
      if (typeof value === "number") return value;
      if (typeof value !== "string") return null;
      return parseInstant(value)?.epochMs ?? null;
    }
    case "guid":
      return typeof value === "string" ? value.toLowerCase() : null;
    default:
      return value;
  }
}

const isNumeric = (t: ValueType) => t === "int" || t === "number";

function compatible(a: ValueType, b: ValueType): boolean {
  if (a === "null" || b === "null") return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  return a === b;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function applyComparison(operator: ComparisonOperator, a: unknown, b: unknown): boolean {
  if (a === null || b === null) {
    if (operator === "eq") return a === b;
    if (operator === "ne") return a !== b;
    return false;
  }
  const c = compare(a, b);
  switch (operator) {
    case "eq":
      return c === 0;
    case "ne":
      return c !== 0;
    case "gt":
      return c > 0;
    case "ge":
      return c >= 0;
    case "lt":
      return c < 0;
    case "le":
      return c <= 0;
  }
}

interface FunctionSignature {
  args: ValueType[];
  result: ValueType;
  apply: (...args: unknown[]) => unknown;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

const FUNCTIONS: Record<string, FunctionSignature> = {
  contains: {
    args: ["string", "string"],
    result: "boolean",
    apply: (a, b) => (str(a) === null || str(b) === null ? false : (a as string).includes(b as string)),
  },
  startswith: {
    args: ["string", "string"],
    result: "boolean",
    apply: (a, b) => (str(a) === null || str(b) === null ? false : (a as string).startsWith(b as string)),
  },
  endswith: {
    args: ["string", "string"],
    result: "boolean",
    apply: (a, b) => (str(a) === null || str(b) === null ? false : (a as string).endsWith(b as string)),
  },
  substringof: {
    args: ["string", "string"],
    result: "boolean",
    apply: (a, b) => (str(a) === null || str(b) === null ? false : (b as string).includes(a as string)),
  },
  tolower: { args: ["string"], result: "string", apply: (a) => str(a)?.toLowerCase() ?? null },
  toupper: { args: ["string"], result: "string", apply: (a) => str(a)?.toUpperCase() ?? null },
  trim: { args: ["string"], result: "string", apply: (a) => str(a)?.trim() ?? null },
  length: { args: ["string"], result: "int", apply: (a) => str(a)?.length ?? null },
};

function bind(expression: FilterExpression, model: EntityModel): Bound {
  switch (expression.type) {
    case "literal": {
      const value = literalValue(expression.literal);
      return { type: literalType(expression.literal), evaluate: () => value };
    }
    case "property": {
      const name = resolveProperty(model, expression.name);
      const type = model.fields[name] as FieldType;
      return { type, evaluate: (row) => normalise(type, row[name]) };
    }
    case "compare": {
      const left = bind(expression.left, model);
      const right = bind(expression.right, model);
      if (!compatible(left.type, right.type)) {
        throw new ODataBindError(
          `A binary operator with incompatible types was detected. Found operand types '${EDM[left.type]}' and '${EDM[right.type]}' for operator kind '${OPERATOR_KIND[expression.operator]}'.`,
        );
      }
      if (
        (left.type === "boolean" ||
          right.type === "boolean" ||
          left.type === "guid" ||
          right.type === "guid") &&
        !["eq", "ne"].includes(expression.operator)
      ) {
        const type = left.type === "null" ? right.type : left.type;
        throw new ODataBindError(
          `The operator '${expression.operator}' cannot compare values of type '${EDM[type]}'.`,
        );
      }
      const op = expression.operator;
      return {
        type: "boolean",
        evaluate: (row) => applyComparison(op, left.evaluate(row), right.evaluate(row)),
      };
    }
    case "in": {
      const left = bind(expression.left, model);
      const values = expression.values.map((v) => {
        if (v.type !== "literal") throw new ODataBindError("The 'in' operator takes a list of literals.");
        const bound = bind(v, model);
        if (!compatible(left.type, bound.type)) {
          throw new ODataBindError(
            `The 'in' list holds a value of type '${EDM[bound.type]}' but '${EDM[left.type]}' was expected.`,
          );
        }
        return bound.evaluate({});
      });
      return {
        type: "boolean",
        evaluate: (row) => {
          const value = left.evaluate(row);
          return values.some((candidate) => applyComparison("eq", value, candidate));
        },
      };
    }
    case "and":
    case "or": {
      const left = requireBoolean(bind(expression.left, model), expression.type);
      const right = requireBoolean(bind(expression.right, model), expression.type);
      return expression.type === "and"
        ? { type: "boolean", evaluate: (row) => left.evaluate(row) === true && right.evaluate(row) === true }
        : { type: "boolean", evaluate: (row) => left.evaluate(row) === true || right.evaluate(row) === true };
    }
    case "not": {
      const operand = requireBoolean(bind(expression.operand, model), "not");
      return { type: "boolean", evaluate: (row) => operand.evaluate(row) !== true };
    }
    case "call": {
      const signature = FUNCTIONS[expression.name];
      if (!signature) {
        throw new ODataBindError(`An unknown function with name '${expression.name}' was found.`);
      }
      const args = expression.args.map((a) => bind(a, model));
      const matches =
        args.length === signature.args.length &&
        args.every((a, i) => a.type === "null" || a.type === signature.args[i]);
      if (!matches) {
        throw new ODataBindError(
          `No function signature for the function with name '${expression.name}' matches the specified arguments. Expected (${signature.args.map((t) => EDM[t]).join(", ")}), found (${args.map((a) => EDM[a.type]).join(", ")}).`,
        );
      }
      return {
        type: signature.result,
        evaluate: (row) => signature.apply(...args.map((a) => a.evaluate(row))),
      };
    }
  }
}

function requireBoolean(bound: Bound, operator: string): Bound {
  if (bound.type !== "boolean") {
    throw new ODataBindError(
      `The operand of '${operator}' must be a boolean expression, not '${EDM[bound.type]}'.`,
    );
  }
  return bound;
}

/** A predicate for a parsed `$filter`; throws ODataBindError when it does not fit the model. */
export function compileFilter(expression: FilterExpression, model: EntityModel): (row: Row) => boolean {
  const bound = requireBoolean(bind(expression, model), "$filter");
  return (row) => bound.evaluate(row) === true;
}

/**
 * A comparator for a parsed `$orderby`. Nulls sort first in ascending order (as SQL Server does).
 * `allowed` restricts the sortable properties (the report header query sorts by four only).
 */
export function compileOrderBy(
  items: readonly OrderByItem[],
  model: EntityModel,
  allowed?: readonly string[],
): (a: Row, b: Row) => number {
  const keys = items.map((item) => {
    const name = resolveProperty(model, item.name);
    if (allowed && !allowed.includes(name)) {
      throw new ODataBindError(
        `The property '${name}' cannot be used in the $orderby query option; use one of: ${allowed.join(", ")}.`,
      );
    }
    return { name, type: model.fields[name] as FieldType, descending: item.descending };
  });
  return (a, b) => {
    for (const key of keys) {
      const x = normalise(key.type, a[key.name]);
      const y = normalise(key.type, b[key.name]);
      let c: number;
      if (x === null || y === null) c = x === y ? 0 : x === null ? -1 : 1;
      else c = compare(x, y);
      if (c !== 0) return key.descending ? -c : c;
    }
    return 0;
  };
}
