// Publishing packed packages in this process: what `npm publish <tarball>` does after packing
// (libnpmpublish, npm's own publishing library), without starting an npm process per package,
// which took about 2 s of CPU each. The manifest sent is the tarball's own package.json, in which
// `pnpm pack` has replaced the workspace: ranges with versions.
import { publish } from "libnpmpublish";
import { list } from "tar";

/** The package.json inside a packed tarball (`package/package.json`). */
export async function packedManifest(tarball) {
  const chunks = [];
  await list({
    file: tarball,
    filter: (path) => path === "package/package.json",
    onReadEntry: (entry) => entry.on("data", (chunk) => chunks.push(chunk)),
  });
  if (chunks.length === 0) throw new Error(`${tarball} holds no package/package.json`);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/**
 * Publishes one tarball to `registry` (an http(s) URL ending in "/") with a bearer `token`, as
 * public. Resolves once the registry has accepted it; rejects with the registry's answer.
 */
export async function publishTarball({ manifest, tarballData, registry, token }) {
  const hostKey = registry.replace(/^https?:/, "");
  await publish(manifest, tarballData, {
    registry,
    [`${hostKey}:_authToken`]: token,
    access: "public",
    defaultTag: "latest",
  });
}
