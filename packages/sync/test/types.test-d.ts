/**
 * The sync surface's types are derived from the async one: checked by vitest's typecheck (a
 * failing assertion fails its test) and by `pnpm typecheck`.
 */
import type { DomainName, Wats } from "@tswats/sdk";
import { describe, expectTypeOf, it } from "vitest";
import type { SyncCallOptions, SyncPaginated, SyncWats } from "../src/index.js";

type GetProductResult = Awaited<ReturnType<Wats["product"]["getProduct"]>>;
type GetProductsResult = Awaited<ReturnType<Wats["product"]["getProducts"]>>;

describe("SyncWats types", () => {
  it("has every domain of Wats", () => {
    expectTypeOf<keyof SyncWats & DomainName>().toEqualTypeOf<DomainName>();
  });

  it("turns Promise<T> into T and keeps the parameters", () => {
    type Sync = SyncWats["product"]["getProduct"];
    expectTypeOf<ReturnType<Sync>>().toEqualTypeOf<GetProductResult>();
    expectTypeOf<Parameters<Sync>[0]>().toEqualTypeOf<Parameters<Wats["product"]["getProduct"]>[0]>();
    expectTypeOf<ReturnType<SyncWats["product"]["getProducts"]>>().toEqualTypeOf<GetProductsResult>();
  });

  it("drops signal from the per-call options", () => {
    type Options = NonNullable<Parameters<SyncWats["product"]["getProduct"]>[1]>;
    expectTypeOf<Options>().toEqualTypeOf<SyncCallOptions>();
    expectTypeOf<Options>().not.toHaveProperty("signal");
    expectTypeOf<Options>().toHaveProperty("timeoutMs");
    expectTypeOf<Options>().toHaveProperty("correlationId");
  });

  it("makes paginate helpers sync iterables and keeps their paging options", () => {
    type Listing = ReturnType<SyncWats["product"]["paginateGetProducts"]>;
    expectTypeOf<Listing>().toEqualTypeOf<SyncPaginated<GetProductsResult[number]>>();
    expectTypeOf<Listing>().toExtend<Iterable<GetProductsResult[number]>>();
    type Options = NonNullable<Parameters<SyncWats["product"]["paginateGetProducts"]>[1]>;
    expectTypeOf<Options>().toHaveProperty("pageSize");
    expectTypeOf<Options>().not.toHaveProperty("signal");
  });

  it("keeps a method without parameters other than options", () => {
    type Vendors = SyncWats["product"]["vendors"];
    expectTypeOf<Parameters<Vendors>>().toEqualTypeOf<[options?: SyncCallOptions]>();
  });
});
