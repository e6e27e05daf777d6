/**
 * Keys of a WSJF file that the WSJF schema does not have. WATS ignores them when the report is
 * posted, so a file carrying them would lose that content silently: the converter names each one
 * (JSON path) in a warning. The known keys are those of the server's own WSJF schema (the
 * generated `WsjfReportSchema` of `@tswats/report`), walked alongside the data.
 */
import { WsjfReportSchema } from "@tswats/report/schemas";

interface SchemaDef {
  type: string;
  shape?: Record<string, { def: SchemaDef }>;
  element?: { def: SchemaDef };
  innerType?: { def: SchemaDef };
  getter?: () => { def: SchemaDef };
}

/** The object or array definition under optional/nullable/lazy wrappers. */
function unwrap(def: SchemaDef): SchemaDef {
  let d = def;
  for (let i = 0; i < 10; i++) {
    if ((d.type === "optional" || d.type === "nullable") && d.innerType) d = d.innerType.def;
    else if (d.type === "lazy" && d.getter) d = d.getter().def;
    else break;
  }
  return d;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** JSON paths (`$.root.steps[2].foo`) of every key the WSJF schema does not know (in document order), at most `limit`. */
export function unknownWsjfKeys(report: unknown, limit = 200): string[] {
  const out: string[] = [];
  const walk = (value: unknown, def: SchemaDef, path: string, depth: number): void => {
    if (out.length >= limit || depth > 400) return;
    if (def.type === "object" && def.shape && isObj(value)) {
      for (const key of Object.keys(value)) {
        const field = def.shape[key];
        if (field === undefined) out.push(`${path}.${key}`);
        else if (value[key] != null) walk(value[key], unwrap(field.def), `${path}.${key}`, depth + 1);
      }
    } else if (def.type === "array" && def.element && Array.isArray(value)) {
      const element = unwrap(def.element.def);
      for (let i = 0; i < value.length; i++) walk(value[i], element, `${path}[${i}]`, depth + 1);
    }
  };
  walk(report, unwrap((WsjfReportSchema as unknown as { def: SchemaDef }).def), "$", 0);
  return out.slice(0, limit);
}
