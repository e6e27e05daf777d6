import { createHash } from "node:crypto";
import { type ApiChange, type Bump, maxBump } from "./api-diff.js";

export interface SpecChangeset {
  /** Relative to the repository root: `.changeset/wats-api-<hash>.md`. */
  path: string;
  content: string;
  /** npm package name -> bump, as in the front matter. */
  bumps: Record<string, Bump>;
}

const KIND_ORDER = { operation: 0, model: 1, enum: 2 } as const;
const CHANGE_ORDER = { removed: 0, changed: 1, added: 2 } as const;

/**
 * The changeset for a spec change: front matter with each affected package and its bump, then the
 * changes per package. `@tswats/sdk` exposes every public domain service (`wats.<domain>`), so it
 * takes the highest bump of the public modules that changed. `spec` describes the new input (for
 * the heading); the file name is derived from the new surface, so the same change always lands in
 * the same file.
 */
export function renderChangeset(changes: ApiChange[], spec: string, surfaceText: string): SpecChangeset {
  const byPackage = new Map<string, ApiChange[]>();
  for (const c of changes) byPackage.set(c.pkg, [...(byPackage.get(c.pkg) ?? []), c]);
  const bumps: Record<string, Bump> = {};
  for (const [pkg, list] of [...byPackage].sort(([a], [b]) => a.localeCompare(b))) {
    bumps[`@tswats/${pkg}`] = maxBump(list.map((c) => c.bump)) ?? "patch";
  }
  const sdkBump = maxBump(changes.filter((c) => c.module === "public").map((c) => c.bump));
  if (sdkBump) bumps["@tswats/sdk"] = sdkBump;

  const lines = ["---"];
  for (const [name, bump] of Object.entries(bumps)) lines.push(`"${name}": ${bump}`);
  lines.push("---", "", `WATS API changes from ${spec}.`, "");
  for (const [pkg, list] of [...byPackage].sort(([a], [b]) => a.localeCompare(b))) {
    for (const module of ["public", "internal"] as const) {
      const items = list
        .filter((c) => c.module === module)
        .sort(
          (a, b) =>
            CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change] ||
            KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
            a.name.localeCompare(b.name),
        );
      if (items.length === 0) continue;
      const bump = maxBump(items.map((c) => c.bump)) ?? "patch";
      const title =
        module === "public"
          ? `\`@tswats/${pkg}\` (${bump})`
          : `\`@tswats/${pkg}/internal\` (${bump}; experimental, so minor at most)`;
      lines.push(`**${title}**`, "");
      for (const c of items) lines.push(`- ${describe(c)}`);
      lines.push("");
    }
  }
  if (sdkBump) {
    lines.push(
      `**\`@tswats/sdk\` (${sdkBump})**`,
      "",
      "- follows the public domain services it exposes as `wats.<domain>`",
      "",
    );
  }
  const hash = createHash("sha256").update(surfaceText).digest("hex").slice(0, 10);
  return { path: `.changeset/wats-api-${hash}.md`, content: `${lines.join("\n").trimEnd()}\n`, bumps };
}

function describe(c: ApiChange): string {
  const route = c.route ? ` (\`${c.route}\`)` : "";
  const head = `${c.change} ${c.kind} \`${c.name}\`${route}`;
  if (c.details.length === 0) return `${head}: ${c.bump}`;
  const details = c.details.map((d) => `${d.text} [${d.bump}]`).join("; ");
  return `${head}: ${details}`;
}
