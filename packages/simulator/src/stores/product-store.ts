/** Products, their revisions, product groups, vendors and BOMs. */
import type { Product, ProductRevision, ProductView, Vendor } from "@tswats/product";
import { badRequest, notFound } from "../errors.js";
import type { Random } from "../random.js";
import { isBlank, keyOf, wildcardMatch } from "./keys.js";

export interface ProductGroupFilter {
  partNumber: string;
  revision: string | null;
  exclude: boolean;
}

/** Shape of `GET /api/App/ProductGroups` items (the generated `ProductGroup`; ids are integers as in WATS). */
export interface ProductGroup {
  productGroupId: number;
  name: string;
  filters: ProductGroupFilter[];
}

export interface StoredBom {
  partNumber: string;
  revision: string | null;
  components: number;
  xml: string;
}

export class ProductStore {
  readonly #products = new Map<string, Product>();
  readonly #groups: ProductGroup[] = [];
  readonly #vendors = new Map<string, Vendor>();
  readonly #boms = new Map<string, StoredBom>();
  readonly #random: Random;

  constructor(random: Random) {
    this.#random = random;
  }

  get(partNumber: string): Product | undefined {
    return this.#products.get(keyOf(partNumber));
  }

  require(partNumber: string): Product {
    const product = this.get(partNumber);
    if (!product) throw notFound(`Product '${partNumber}' was not found.`);
    return product;
  }

  list(): Product[] {
    return [...this.#products.values()];
  }

  /** Adds a product, or updates the one with the same productId (else the same part number). */
  upsert(input: Product): Product {
    let existing: Product | undefined;
    if (!isBlank(input.productId)) {
      existing = this.list().find((p) => p.productId?.toLowerCase() === input.productId?.toLowerCase());
      if (!existing) throw badRequest(`No product has productId '${input.productId}'.`);
    } else {
      if (isBlank(input.partNumber)) throw badRequest("The product field 'partNumber' is required.");
      existing = this.get(input.partNumber);
    }
    const partNumber = input.partNumber ?? existing?.partNumber;
    if (isBlank(partNumber)) throw badRequest("The product field 'partNumber' is required.");
    const clash = this.get(partNumber);
    if (existing && clash && clash !== existing) {
      throw badRequest(`Part number '${partNumber}' is already used by another product.`);
    }
    const product: Product = {
      productId: existing?.productId ?? this.#random.uuid(),
      partNumber,
      name: input.name ?? existing?.name ?? null,
      description: input.description ?? existing?.description ?? null,
      nonSerial: input.nonSerial ?? existing?.nonSerial ?? false,
      state: input.state ?? existing?.state ?? 1,
      xmlData: input.xmlData ?? existing?.xmlData ?? null,
      productCategoryId: input.productCategoryId ?? existing?.productCategoryId ?? null,
      productCategoryName: input.productCategoryName ?? existing?.productCategoryName ?? null,
      revisions: existing?.revisions ?? [],
      tags: input.tags ?? existing?.tags ?? [],
    };
    if (existing && keyOf(existing.partNumber) !== keyOf(partNumber)) {
      this.#products.delete(keyOf(existing.partNumber));
    }
    this.#products.set(keyOf(partNumber), product);
    for (const revision of input.revisions ?? []) {
      this.upsertRevision({ ...revision, productId: product.productId, PartNumber: partNumber });
    }
    return product;
  }

  revision(partNumber: string, revision: string): ProductRevision | undefined {
    return this.get(partNumber)?.revisions?.find((r) => keyOf(r.revision) === keyOf(revision));
  }

  /** Adds a revision, or updates the one with the same productRevisionId (else the same name). */
  upsertRevision(input: ProductRevision): ProductRevision {
    let product: Product | undefined;
    if (!isBlank(input.productId)) {
      product = this.list().find((p) => p.productId?.toLowerCase() === input.productId?.toLowerCase());
      if (!product) throw badRequest(`No product has productId '${input.productId}'.`);
    } else if (!isBlank(input.PartNumber)) {
      product = this.get(input.PartNumber);
      if (!product) throw badRequest(`Product '${input.PartNumber}' does not exist; add it first.`);
    } else {
      throw badRequest("The revision needs 'productId' or 'PartNumber' to name its product.");
    }
    const revisions = product.revisions ?? [];
    product.revisions = revisions;
    let existing: ProductRevision | undefined;
    if (!isBlank(input.productRevisionId)) {
      existing = revisions.find(
        (r) => r.productRevisionId?.toLowerCase() === input.productRevisionId?.toLowerCase(),
      );
      if (!existing) throw badRequest(`No revision has productRevisionId '${input.productRevisionId}'.`);
    } else {
      if (isBlank(input.revision)) throw badRequest("The revision field 'revision' is required.");
      existing = revisions.find((r) => keyOf(r.revision) === keyOf(input.revision));
    }
    const revision: ProductRevision = {
      productRevisionId: existing?.productRevisionId ?? this.#random.uuid(),
      productId: product.productId ?? null,
      revision: input.revision ?? existing?.revision ?? null,
      name: input.name ?? existing?.name ?? null,
      description: input.description ?? existing?.description ?? null,
      state: input.state ?? existing?.state ?? 1,
      xmlData: input.xmlData ?? existing?.xmlData ?? null,
      PartNumber: product.partNumber ?? null,
      tags: input.tags ?? existing?.tags ?? [],
    };
    if (existing) revisions[revisions.indexOf(existing)] = revision;
    else revisions.push(revision);
    return revision;
  }

  view(product: Product): ProductView {
    return {
      partNumber: product.partNumber ?? null,
      name: product.name ?? null,
      category: product.productCategoryName ?? null,
      nonSerial: product.nonSerial ?? false,
      state: product.state ?? 1,
    };
  }

  // Product groups ---------------------------------------------------------------------------

  groups(): ProductGroup[] {
    return this.#groups;
  }

  addGroup(name: string, filters: ProductGroupFilter[] = []): ProductGroup {
    const group = { productGroupId: this.#groups.length + 1, name, filters };
    this.#groups.push(group);
    return group;
  }

  findGroup(nameOrId: string): ProductGroup | undefined {
    const key = keyOf(nameOrId);
    return this.#groups.find((g) => keyOf(g.name) === key || String(g.productGroupId) === key);
  }

  /** Groups whose include filters match the part number (and revision) and no exclude filter does. */
  groupsOf(partNumber: string, revision?: string | null): ProductGroup[] {
    const matches = (f: ProductGroupFilter) =>
      wildcardMatch(f.partNumber, partNumber) &&
      (isBlank(f.revision) || isBlank(revision) || wildcardMatch(f.revision, revision));
    return this.#groups.filter(
      (g) =>
        g.filters.some((f) => !f.exclude && matches(f)) && !g.filters.some((f) => f.exclude && matches(f)),
    );
  }

  // Vendors ----------------------------------------------------------------------------------

  vendors(): Vendor[] {
    return [...this.#vendors.values()].sort((a, b) =>
      String(a.VendorName).localeCompare(String(b.VendorName)),
    );
  }

  addVendors(vendors: readonly Vendor[]): void {
    for (const vendor of vendors) {
      if (isBlank(vendor.VendorName)) throw badRequest("Each vendor needs a 'VendorName'.");
      if (!this.#vendors.has(keyOf(vendor.VendorName))) {
        this.#vendors.set(keyOf(vendor.VendorName), { VendorName: vendor.VendorName });
      }
    }
  }

  deleteVendors(vendors: readonly Vendor[]): void {
    for (const vendor of vendors) this.#vendors.delete(keyOf(vendor.VendorName));
  }

  // BOMs -------------------------------------------------------------------------------------

  putBom(bom: StoredBom): void {
    this.#boms.set(keyOf(bom.partNumber, bom.revision), { ...bom, xml: bom.xml });
  }

  bom(partNumber: string, revision: string | null): StoredBom | undefined {
    return this.#boms.get(keyOf(partNumber, revision));
  }
}
