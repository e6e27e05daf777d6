/** Software routes: packages (status transitions), files, zip uploads, virtual folders. */
import type { Package } from "@tswats/software";
import { badRequest, notFound } from "../errors.js";
import { multipartBoundary, parseMultipart } from "../formats/multipart.js";
import { readZipEntries, type ZipEntry } from "../formats/zip.js";
import { binary, type HandlerTable, json, noContent } from "../handler.js";
import { keyOf } from "../stores/keys.js";
import { FILE_ATTRIBUTES, parseStatus } from "../stores/software-store.js";

export const softwareHandlers: HandlerTable = {
  postSoftwarePackage: (ctx) =>
    json(ctx.state.software.create(ctx.body as Package, ctx.auth.user, ctx.state.nowIso())),

  getSoftwarePackage: (ctx) => json(ctx.state.software.require(ctx.params.id ?? "")),

  putSoftwarePackage: (ctx) => {
    const pkg = ctx.state.software.require(ctx.params.id ?? "");
    ctx.state.software.put(pkg, ctx.body as Package, ctx.auth.user, ctx.state.nowIso());
    return noContent();
  },

  deleteSoftwarePackage: (ctx) => {
    const pkg = ctx.state.software.require(ctx.params.id ?? "");
    ctx.state.software.delete(pkg);
    return json(pkg);
  },

  postNewStatus: (ctx) => {
    const pkg = ctx.state.software.require(ctx.params.id ?? "");
    ctx.state.software.transition(
      pkg,
      parseStatus(ctx.query.requireString("status")),
      ctx.auth.user,
      ctx.state.nowIso(),
    );
    return json(pkg);
  },

  getSoftwarePackageByName: (ctx) => {
    const name = ctx.query.requireString("name");
    const status = parseStatus(ctx.query.requireString("status"));
    const version = ctx.query.int("version");
    const matches = ctx.state.software
      .list()
      .filter(
        (p) =>
          keyOf(p.name) === keyOf(name) &&
          p.status === status &&
          (version === undefined || p.version === version),
      );
    const best = matches.sort((a, b) => b.version - a.version)[0];
    if (!best) {
      throw notFound(
        `No ${status} package named '${name}'${version === undefined ? "" : ` with version ${version}`} was found.`,
      );
    }
    return json(best);
  },

  deleteSoftwarePackageByName: (ctx) => {
    const name = ctx.query.requireString("name");
    const version = ctx.query.requireInt("version");
    const pkg = ctx.state.software.list().find((p) => keyOf(p.name) === keyOf(name) && p.version === version);
    if (!pkg) throw notFound(`Package '${name}' version ${version} was not found.`);
    ctx.state.software.delete(pkg);
    return json(pkg);
  },

  getSoftwarePackages: (ctx) => json(ctx.state.software.list()),

  getSoftwarePackagesByTag: (ctx) => {
    const tag = ctx.query.requireString("tag");
    const status = parseStatus(ctx.query.requireString("status"));
    const eq = tag.indexOf("=");
    if (eq <= 0)
      throw badRequest(`The request is invalid: 'tag' must look like "tagName=tagValue", not '${tag}'.`);
    const tagName = tag.slice(0, eq);
    const tagValue = tag.slice(eq + 1);
    // tagName is case-sensitive, tagValue is not (as WATS documents).
    return json(
      ctx.state.software
        .list()
        .filter(
          (p) =>
            p.status === status &&
            (p.tags ?? []).some((t) => t.key === tagName && keyOf(t.value) === keyOf(tagValue)),
        ),
    );
  },

  getSoftwareFiles: (ctx) => json(ctx.state.software.files(ctx.state.software.require(ctx.params.id ?? ""))),

  postFileAttribute: (ctx) => {
    const file = ctx.state.software.findFile(ctx.params.id ?? "");
    if (!file) throw notFound(`Package file '${ctx.params.id ?? ""}' was not found.`);
    const wanted = ctx.query.requireString("attribute");
    const attribute = FILE_ATTRIBUTES.find((a) => a.toLowerCase() === wanted.toLowerCase());
    if (!attribute) {
      throw badRequest(`The attribute '${wanted}' is not valid; use one of ${FILE_ATTRIBUTES.join(", ")}.`);
    }
    file.attributes = attribute;
    return noContent();
  },

  postZipToPackage: (ctx) => {
    const pkg = ctx.state.software.require(ctx.params.id ?? "");
    if (pkg.status !== "Draft")
      throw badRequest(`Package '${pkg.name}' is ${pkg.status}; files can only be added in Draft.`);
    const boundary = multipartBoundary(ctx.contentType);
    if (!boundary) throw badRequest("The zip must be sent as multipart/form-data.");
    const parts = parseMultipart(ctx.rawBody, boundary);
    if (!parts) throw badRequest("The multipart body could not be read.");
    const zip = parts.find(
      (p) =>
        p.contentType?.toLowerCase().startsWith("application/zip") ||
        p.contentType?.toLowerCase().includes("zip"),
    );
    if (!zip) throw badRequest("The multipart body needs one part with content type application/zip.");
    let entries: ZipEntry[] | undefined;
    try {
      entries = readZipEntries(zip.data);
    } catch (error) {
      throw badRequest(`The uploaded zip cannot be read: ${(error as Error).message}.`);
    }
    if (!entries) throw badRequest("The uploaded file is not a zip archive.");
    const onRoot = entries.find((e) => !e.name.endsWith("/") && !e.name.includes("/"));
    if (onRoot)
      throw badRequest(
        `The zip has the file '${onRoot.name}' on its root; every file must be inside a folder.`,
      );
    ctx.state.software.addFiles(
      pkg,
      entries.map((e) => ({ path: e.name, data: e.data })),
      ctx.query.bool("cleanInstall") ?? false,
      ctx.state.nowIso(),
    );
    return noContent();
  },

  getVirtualFolders: (ctx) => json(ctx.state.software.folders()),
};

/**
 * The internal routes a station uses to fetch a package's files (`@tswats/software/internal`):
 * the package with its folder tree and repository files, and one file's bytes.
 */
export const softwareInternalHandlers: HandlerTable = {
  getPackage: (ctx) =>
    json(
      ctx.state.software.internalPackage(ctx.state.software.require(ctx.query.requireString("packageId"))),
    ),

  downloadFile: (ctx) => {
    const id = ctx.query.requireString("repositoryFolderFileId");
    const found = ctx.state.software.findContent(id);
    if (!found) throw notFound(`The repository file '${id}' was not found.`);
    const name = found.file.name ?? "";
    // A header carries printable ASCII only; other names are sent without Content-Disposition.
    return binary(
      found.content.data,
      "application/octet-stream",
      /^[\x20-\x7e]+$/.test(name) ? name : undefined,
    );
  },
};
