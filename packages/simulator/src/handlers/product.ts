/** Product routes: products, revisions, product groups, vendors, BOMs. */
import type { Product, ProductRevision, Vendor } from "@tswats/product";
import { badRequest, notFound } from "../errors.js";
import { attr, parseXml, XmlError } from "../formats/xml.js";
import { type HandlerTable, json } from "../handler.js";
import type { EntityModel } from "../odata/evaluate.js";
import { project, runODataQuery } from "../odata/query.js";

const PRODUCT_VIEW_MODEL: EntityModel = {
  name: "ProductView",
  fields: { partNumber: "string", name: "string", category: "string", nonSerial: "boolean", state: "int" },
};

/** Answer of `PUT /api/Product/BOM`: the generated `BomUpsertResult` (the spec leaves it untyped). */
export interface BomResult {
  PN: string;
  Rev: string | null;
  Message: string;
}

export const productHandlers: HandlerTable = {
  putProduct: (ctx) => json(ctx.state.products.upsert(ctx.body as Product)),

  getProduct: (ctx) => json(ctx.state.products.require(ctx.params.partNumber ?? "")),

  getProductRevision: (ctx) => {
    const partNumber = ctx.params.partNumber ?? "";
    const revision = ctx.params.revision ?? "";
    ctx.state.products.require(partNumber);
    const found = ctx.state.products.revision(partNumber, revision);
    if (!found) throw notFound(`Product '${partNumber}' has no revision '${revision}'.`);
    return json(found);
  },

  putProductRevision: (ctx) => json(ctx.state.products.upsertRevision(ctx.body as ProductRevision)),

  getProducts: (ctx) => {
    const products = ctx.state.products;
    const options = ctx.query.odata();
    const result = runODataQuery(
      products.list().map((p) => products.view(p)),
      options,
      {
        model: PRODUCT_VIEW_MODEL,
        defaultTop: options.$filter === undefined ? 1000 : undefined,
        defaultOrder: (a, b) => String(a.partNumber).localeCompare(String(b.partNumber)),
      },
    );
    return json(result.rows.map((r) => project(r, result.select)));
  },

  putProducts: (ctx) => json((ctx.body as Product[]).map((p) => ctx.state.products.upsert(p))),

  putProductRevisions: (ctx) =>
    json((ctx.body as ProductRevision[]).map((r) => ctx.state.products.upsertRevision(r))),

  vendors: (ctx) => json(ctx.state.products.vendors()),

  putVendors: (ctx) => {
    ctx.state.products.addVendors(ctx.body as Vendor[]);
    return json(ctx.state.products.vendors());
  },

  deleteVendors: (ctx) => {
    ctx.state.products.deleteVendors(ctx.body as Vendor[]);
    return json(ctx.state.products.vendors());
  },

  putBom: (ctx) => {
    if (typeof ctx.body !== "string" || ctx.body.trim() === "") {
      throw badRequest("The request body must be a WSBF (XML) document.");
    }
    let root: ReturnType<typeof parseXml>;
    try {
      root = parseXml(ctx.body);
    } catch (error) {
      if (error instanceof XmlError) throw badRequest(`The BOM is not well-formed XML: ${error.message}.`);
      throw error;
    }
    const partNumber = attr(root, "PartNumber") ?? attr(root, "PN");
    if (!partNumber) throw badRequest("The BOM root element needs a 'PartNumber' attribute.");
    ctx.state.products.require(partNumber);
    const revision = attr(root, "Revision") ?? attr(root, "Rev") ?? null;
    let components = 0;
    const stack = [...root.children];
    while (stack.length > 0) {
      const element = stack.pop();
      if (!element) break;
      if (element.localName.toLowerCase() === "component") components++;
      stack.push(...element.children);
    }
    ctx.state.products.putBom({ partNumber, revision, components, xml: ctx.body });
    const result: BomResult = {
      PN: partNumber,
      Rev: revision,
      Message: `BOM of ${partNumber} inserted or updated: ${components} component${components === 1 ? "" : "s"}.`,
    };
    return json(result);
  },

  productGroupFilter: (ctx) => {
    const name = ctx.query.requireString("productGroup");
    const partNumber = ctx.query.requireString("partNumber");
    const group = ctx.state.products.findGroup(name);
    if (!group) throw notFound(`Product group '${name}' was not found.`);
    group.filters.push({
      partNumber,
      revision: ctx.query.string("revision") ?? null,
      exclude: ctx.query.bool("exclude") ?? false,
    });
    return json(group);
  },

  getProductGroupsByProduct: (ctx) =>
    json(
      ctx.state.products
        .groupsOf(ctx.query.requireString("partNumber"), ctx.query.string("revision"))
        .map((g) => ({
          productGroupId: g.productGroupId,
          name: g.name,
        })),
    ),
};
