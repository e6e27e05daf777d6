import type { ApiSurface, ModuleSurface, OperationSurface } from "./surface.js";

/**
 * Compares two API surfaces (specs/surface.json before and after a spec change) and judges the
 * semver bump each change implies for the package's users. The rules (also in docs/RELEASING.md):
 *
 * | change                                                                  | bump  |
 * | ----------------------------------------------------------------------- | ----- |
 * | operation, model, enum or enum value removed                            | major |
 * | parameter or field removed; its type changed; an optional one required  | major |
 * | required parameter, required field or required body added              | major |
 * | body removed or its type changed; response type changed (but see below) | major |
 * | a model's field made optional (readers then get `undefined`)            | major |
 * | operation, model, enum or enum value added                              | minor |
 * | optional parameter, optional field or optional body added               | minor |
 * | a required parameter or body made optional                              | minor |
 * | response typed where it was `unknown`                                   | minor |
 * | route (method or path) of a method changed, parameter moved path/query  | patch |
 *
 * The internal modules (`@tswats/<name>/internal`) are experimental: Virinco may change them in any
 * server version, so a change there bumps the package by `minor` at most.
 */
export type Bump = "major" | "minor" | "patch";

export interface ApiChange {
  /** The package folder name (`product`). */
  pkg: string;
  module: "public" | "internal";
  kind: "operation" | "model" | "enum";
  name: string;
  change: "added" | "removed" | "changed";
  /** What changed, one entry per difference, each with its own bump. */
  details: { text: string; bump: Bump }[];
  /** The bump this change implies (after the internal cap). */
  bump: Bump;
  /** The operation's route, for the changelog. */
  route?: string;
}

const RANK: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };

export function maxBump(bumps: Iterable<Bump>): Bump | undefined {
  let best: Bump | undefined;
  for (const b of bumps) if (best === undefined || RANK[b] > RANK[best]) best = b;
  return best;
}

const EMPTY: ModuleSurface = { operations: {}, models: {}, enums: {} };

export function diffSurfaces(before: ApiSurface, after: ApiSurface): ApiChange[] {
  const changes: ApiChange[] = [];
  const names = [...new Set([...Object.keys(before.packages), ...Object.keys(after.packages)])].sort();
  for (const pkg of names) {
    for (const module of ["public", "internal"] as const) {
      const old = before.packages[pkg]?.[module];
      const now = after.packages[pkg]?.[module];
      if (old === undefined && now === undefined) continue;
      for (const change of diffModule(old ?? EMPTY, now ?? EMPTY)) {
        const capped = module === "internal" && change.bump === "major" ? "minor" : change.bump;
        changes.push({ pkg, module, ...change, bump: capped });
      }
    }
  }
  return changes;
}

type ModuleChange = Omit<ApiChange, "pkg" | "module">;

function diffModule(before: ModuleSurface, after: ModuleSurface): ModuleChange[] {
  const out: ModuleChange[] = [];
  diffEntries(before.operations, after.operations, (name, old, now) => {
    if (old === undefined || now === undefined) {
      out.push(addRemove("operation", name, now === undefined, (now ?? old)?.route));
      return;
    }
    const details = diffOperation(old, now);
    if (details.length > 0) out.push(changed("operation", name, details, now.route));
  });
  diffEntries(before.models, after.models, (name, old, now) => {
    if (old === undefined || now === undefined) {
      out.push(addRemove("model", name, now === undefined));
      return;
    }
    const details = diffModel(old, now);
    if (details.length > 0) out.push(changed("model", name, details));
  });
  diffEntries(before.enums, after.enums, (name, old, now) => {
    if (old === undefined || now === undefined) {
      out.push(addRemove("enum", name, now === undefined));
      return;
    }
    const details: Detail[] = [];
    const removed = old.filter((v) => !now.includes(v));
    const added = now.filter((v) => !old.includes(v));
    if (removed.length > 0) details.push({ text: `values ${list(removed)} removed`, bump: "major" });
    if (added.length > 0) details.push({ text: `values ${list(added)} added`, bump: "minor" });
    if (details.length > 0) out.push(changed("enum", name, details));
  });
  return out;
}

type Detail = { text: string; bump: Bump };

function addRemove(kind: ApiChange["kind"], name: string, removed: boolean, route?: string): ModuleChange {
  const bump: Bump = removed ? "major" : "minor";
  return {
    kind,
    name,
    change: removed ? "removed" : "added",
    details: [],
    bump,
    ...(route ? { route } : {}),
  };
}

function changed(kind: ApiChange["kind"], name: string, details: Detail[], route?: string): ModuleChange {
  return {
    kind,
    name,
    change: "changed",
    details,
    bump: maxBump(details.map((d) => d.bump)) ?? "patch",
    ...(route ? { route } : {}),
  };
}

function diffOperation(old: OperationSurface, now: OperationSurface): Detail[] {
  const details: Detail[] = [];
  if (old.route !== now.route) details.push({ text: `route ${old.route} -> ${now.route}`, bump: "patch" });
  const oldParams = fields(old.params);
  const newParams = fields(now.params);
  for (const name of union(oldParams, newParams)) {
    const a = oldParams.get(name);
    const b = newParams.get(name);
    if (a === undefined && b !== undefined) {
      details.push({
        text: `parameter \`${name}\` added (${b.optional ? "optional" : "required"})`,
        bump: b.optional ? "minor" : "major",
      });
    } else if (a !== undefined && b === undefined) {
      details.push({ text: `parameter \`${name}\` removed`, bump: "major" });
    } else if (a !== undefined && b !== undefined) {
      const [aIn, ...aType] = a.type.split(" ");
      const [bIn, ...bType] = b.type.split(" ");
      if (aType.join(" ") !== bType.join(" ")) {
        details.push({
          text: `parameter \`${name}\` type ${aType.join(" ")} -> ${bType.join(" ")}`,
          bump: "major",
        });
      }
      if (aIn !== bIn) details.push({ text: `parameter \`${name}\` moved ${aIn} -> ${bIn}`, bump: "patch" });
      if (a.optional !== b.optional) {
        details.push({
          text: `parameter \`${name}\` now ${b.optional ? "optional" : "required"}`,
          bump: b.optional ? "minor" : "major",
        });
      }
    }
  }
  const body = (text: string | undefined) =>
    text === undefined ? undefined : { optional: text.startsWith("?"), type: text.replace(/^\?/, "") };
  const a = body(old.body);
  const b = body(now.body);
  if (a === undefined && b !== undefined) {
    details.push({
      text: `body added (${b.type}${b.optional ? ", optional" : ""})`,
      bump: b.optional ? "minor" : "major",
    });
  } else if (a !== undefined && b === undefined) {
    details.push({ text: "body removed", bump: "major" });
  } else if (a !== undefined && b !== undefined) {
    if (a.type !== b.type) details.push({ text: `body type ${a.type} -> ${b.type}`, bump: "major" });
    if (a.optional !== b.optional) {
      details.push({
        text: `body now ${b.optional ? "optional" : "required"}`,
        bump: b.optional ? "minor" : "major",
      });
    }
  }
  if (old.response !== now.response) {
    details.push({
      text: `response ${old.response} -> ${now.response}`,
      bump:
        old.response === "unknown" && !["text", "binary", "void"].includes(now.response) ? "minor" : "major",
    });
  }
  return details;
}

function diffModel(old: Record<string, string> | string, now: Record<string, string> | string): Detail[] {
  if (typeof old === "string" || typeof now === "string") {
    const show = (m: Record<string, string> | string) => (typeof m === "string" ? m : "an object");
    return show(old) === show(now) ? [] : [{ text: `type ${show(old)} -> ${show(now)}`, bump: "major" }];
  }
  const details: Detail[] = [];
  const a = fields(old);
  const b = fields(now);
  for (const name of union(a, b)) {
    const x = a.get(name);
    const y = b.get(name);
    if (x === undefined && y !== undefined) {
      details.push({
        text: `field \`${name}\` added (${y.optional ? "optional" : "required"}, ${y.type})`,
        bump: y.optional ? "minor" : "major",
      });
    } else if (x !== undefined && y === undefined) {
      details.push({ text: `field \`${name}\` removed`, bump: "major" });
    } else if (x !== undefined && y !== undefined) {
      if (x.type !== y.type)
        details.push({ text: `field \`${name}\` type ${x.type} -> ${y.type}`, bump: "major" });
      if (x.optional !== y.optional) {
        details.push({
          text: `field \`${name}\` now ${y.optional ? "optional" : "required"}`,
          bump: "major",
        });
      }
    }
  }
  return details;
}

/** `{ "a": t, "b?": u }` -> name -> { optional, type }. */
function fields(record: Record<string, string>): Map<string, { optional: boolean; type: string }> {
  const map = new Map<string, { optional: boolean; type: string }>();
  for (const [key, type] of Object.entries(record)) {
    const optional = key.endsWith("?");
    map.set(optional ? key.slice(0, -1) : key, { optional, type });
  }
  return map;
}

function union<T>(a: Map<string, T>, b: Map<string, T>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort();
}

function diffEntries<T>(
  before: Record<string, T>,
  after: Record<string, T>,
  visit: (name: string, old: T | undefined, now: T | undefined) => void,
): void {
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    visit(name, before[name], after[name]);
  }
}

function list(values: (string | number)[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}
