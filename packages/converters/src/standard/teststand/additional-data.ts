/**
 * TestStand property trees -> WSJF `additionalData` / `additionalResults` entries. WSJF's
 * `AdditionalDataProperty` mirrors TestStand's `<Prop>`: name, type, flags, value text, comment,
 * child properties for objects and indexed elements for arrays, so nothing is lost on the way.
 */
import type { AdditionalData, AdditionalDataProperty } from "@tswats/report";
import type { Prop } from "./props.js";

const SCALAR_TYPES = new Set(["String", "Number", "Boolean", "Reference"]);

function flagsOf(prop: Prop): number | undefined {
  const text = prop.attribute("Flags");
  if (text === undefined) return undefined;
  const n = text.trim().toLowerCase().startsWith("0x") ? Number.parseInt(text.trim(), 16) : Number(text);
  return Number.isInteger(n) && n >= -2147483648 && n <= 4294967295 ? n | 0 : undefined;
}

/** One TestStand property as a WSJF additional-data property (recursively). */
export function dataProperty(prop: Prop, depth = 0): AdditionalDataProperty {
  const type = prop.type || (prop.children().length > 0 ? "Obj" : "String");
  const out: AdditionalDataProperty = { name: prop.name ?? "", type };
  const flags = flagsOf(prop);
  if (flags !== undefined) out.flags = flags;
  const comment = prop.comment();
  if (comment !== undefined) out.comment = comment;
  if (depth > 64) return out; // deeper trees are cut; validateReport refuses them anyway
  if (type === "Array") {
    const elementType = prop.attribute("ElementType");
    const lbound = prop.attribute("LBound");
    out.array = {
      dimension: lbound === undefined ? 1 : Math.max(1, lbound.split("[").length - 1),
      type: elementType ?? "",
      indexes: prop.elements().map((e) => ({
        text: e.id,
        indexes: e.indexes,
        value: e.prop
          ? dataProperty(e.prop, depth + 1)
          : { name: "", type: elementType ?? "String", value: e.text ?? "" },
      })),
    };
  } else if (SCALAR_TYPES.has(type) || (prop.children().length === 0 && prop.valueText() !== undefined)) {
    out.value = prop.valueText() ?? "";
  } else {
    out.props = prop.children().map((c) => dataProperty(c, depth + 1));
  }
  return out;
}

/**
 * An additional-data entry named after the property: an object's members become its properties;
 * a scalar or array is the entry's one property (as WATS's own TestStand converter does).
 */
export function additionalEntry(prop: Prop, name = prop.name ?? ""): AdditionalData {
  const isContainer = prop.type !== "Array" && !SCALAR_TYPES.has(prop.type) && prop.valueText() === undefined;
  return {
    name,
    props: isContainer ? prop.children().map((c) => dataProperty(c)) : [dataProperty(prop)],
  };
}
