/**
 * Route matching driven by the generated operation tables. Literal segments match
 * case-insensitively (as ASP.NET routes do) and win over parameters; a segment such as
 * `userName={userName}` is a literal prefix plus a parameter. Routes that differ only in a
 * parameter name (`/api/Asset/{assetId}` and `/api/Asset/{serialNumber}`) are one route.
 */
import type { OperationEntry } from "./operations.js";

type Segment = { kind: "literal"; text: string } | { kind: "param"; name: string; prefix: string };

interface Route {
  segments: Segment[];
  /** Method -> operation. */
  methods: Map<string, OperationEntry>;
  /** Sort key: literal segments first, position by position. */
  rank: string;
}

export type RouteMatch =
  | { kind: "found"; entry: OperationEntry; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

function parseTemplate(path: string): Segment[] {
  return path
    .split("/")
    .filter((s) => s !== "")
    .map((segment) => {
      const m = /^([^{}]*)\{([^{}]+)\}$/.exec(segment);
      return m
        ? { kind: "param", prefix: (m[1] as string).toLowerCase(), name: m[2] as string }
        : { kind: "literal", text: segment.toLowerCase() };
    });
}

const templates = new Map<string, Segment[]>();

const shapeOf = (segments: Segment[]) =>
  segments.map((s) => (s.kind === "literal" ? `L:${s.text}` : `P:${s.prefix}`)).join("/");

export class Router {
  /** Routes by segment count, literal-first within each bucket. */
  readonly #byLength = new Map<number, Route[]>();

  constructor(entries: readonly OperationEntry[]) {
    const byShape = new Map<string, Route>();
    for (const entry of entries) {
      const segments = parseTemplate(entry.spec.path);
      const shape = shapeOf(segments);
      let route = byShape.get(shape);
      if (!route) {
        route = {
          segments,
          methods: new Map(),
          rank: segments.map((s) => (s.kind === "literal" ? "0" : s.prefix ? "1" : "2")).join(""),
        };
        byShape.set(shape, route);
        const bucket = this.#byLength.get(segments.length) ?? [];
        bucket.push(route);
        this.#byLength.set(segments.length, bucket);
      }
      if (!route.methods.has(entry.spec.method)) route.methods.set(entry.spec.method, entry);
    }
    for (const bucket of this.#byLength.values()) {
      bucket.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    }
  }

  /** Matches a raw (still percent-encoded) path. */
  match(method: string, rawPath: string): RouteMatch {
    const raw = rawPath.split("/").filter((s) => s !== "");
    const bucket = this.#byLength.get(raw.length);
    if (!bucket) return { kind: "not-found" };
    const decoded: string[] = [];
    for (const part of raw) {
      try {
        decoded.push(decodeURIComponent(part));
      } catch {
        return { kind: "not-found" };
      }
    }
    const lower = decoded.map((d) => d.toLowerCase());
    let allowed: string[] | undefined;
    for (const route of bucket) {
      let ok = true;
      for (let i = 0; i < lower.length && ok; i++) {
        const segment = route.segments[i] as Segment;
        const value = lower[i] as string;
        ok =
          segment.kind === "literal"
            ? value === segment.text
            : value.length > segment.prefix.length && value.startsWith(segment.prefix);
      }
      if (!ok) continue;
      const entry = route.methods.get(method);
      if (!entry) {
        allowed ??= [...route.methods.keys()];
        continue;
      }
      const params: Record<string, string> = {};
      let names = templates.get(entry.spec.path);
      if (!names) {
        names = parseTemplate(entry.spec.path);
        templates.set(entry.spec.path, names);
      }
      names.forEach((segment, i) => {
        if (segment.kind === "param")
          params[segment.name] = (decoded[i] as string).slice(segment.prefix.length);
      });
      return { kind: "found", entry, params };
    }
    return allowed ? { kind: "method-not-allowed", allowed } : { kind: "not-found" };
  }
}
