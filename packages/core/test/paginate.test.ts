import { describe, expect, it } from "vitest";
import { WatsAbortError, WatsPaginationError } from "../src/errors.js";
import { type PageRequest, paginate } from "../src/paginate.js";

/** A listing of `total` numbered items served by $top/$skip, recording each request. */
function listing(total: number) {
  const requests: PageRequest[] = [];
  const items = Array.from({ length: total }, (_, i) => ({ id: i + 1 }));
  const fetchPage = async (page: PageRequest) => {
    requests.push(page);
    return items.slice(page.skip, page.skip + page.top);
  };
  return { fetchPage, requests, items };
}

describe("paginate", () => {
  it("walks every item in order and stops at the first short page", async () => {
    const { fetchPage, requests, items } = listing(25);
    const seen: number[] = [];
    for await (const item of paginate(fetchPage, { pageSize: 10 })) seen.push(item.id);
    expect(seen).toEqual(items.map((i) => i.id));
    expect(requests.map((r) => [r.top, r.skip, r.pageIndex])).toEqual([
      [10, 0, 0],
      [10, 10, 1],
      [10, 20, 2],
    ]);
  });

  it("asks once more after a full last page, and yields no empty page", async () => {
    const { fetchPage, requests } = listing(20);
    const pages: number[] = [];
    for await (const page of paginate(fetchPage, { pageSize: 10 }).pages()) pages.push(page.length);
    expect(pages).toEqual([10, 10]);
    expect(requests).toHaveLength(3);
  });

  it("handles an empty listing and OData envelopes", async () => {
    expect(await paginate(async () => [], { pageSize: 5 }).toArray()).toEqual([]);
    const envelope = paginate(async (p) => ({ value: p.skip === 0 ? [1, 2] : [3] }), { pageSize: 2 });
    expect(await envelope.toArray()).toEqual([1, 2, 3]);
  });

  it("stops with WatsPaginationError when the server repeats a page (ignores $skip)", async () => {
    let calls = 0;
    const stuck = paginate(
      async () => {
        calls++;
        return [{ id: 1 }, { id: 2 }];
      },
      { pageSize: 2 },
    );
    const seen: number[] = [];
    const error = await (async () => {
      for await (const item of stuck) seen.push(item.id);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsPaginationError);
    expect((error as Error).message).toMatch(/page 2 \(\$skip=2\) repeats the previous page/);
    expect(seen).toEqual([1, 2]);
    expect(calls).toBe(2);
  });

  it("compares pages by key when given one", async () => {
    let n = 0;
    // same ids, different timestamps: the same page again
    const stuck = paginate(async () => [{ id: 1, at: n++ }], { pageSize: 1, key: (item) => item.id });
    await expect(stuck.toArray()).rejects.toBeInstanceOf(WatsPaginationError);
  });

  it("fails a listing that never ends at the runaway guard", async () => {
    let calls = 0;
    // always a full page of new items: only the guard can stop it
    const endless = paginate(
      async (p) => {
        calls++;
        return [p.skip, p.skip + 1];
      },
      { pageSize: 2, runawayPages: 50 },
    );
    const error = await endless.toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsPaginationError);
    expect((error as Error).message).toContain("50 pages");
    expect(calls).toBe(50);
  });

  it("stops without error after maxPages pages", async () => {
    const { fetchPage, requests } = listing(100);
    const items = await paginate(fetchPage, { pageSize: 10, maxPages: 3 }).toArray();
    expect(items).toHaveLength(30);
    expect(requests).toHaveLength(3);
  });

  it("stops once maxItems items were given, asking the last page only for what is still wanted", async () => {
    const { fetchPage, requests } = listing(100);
    const items = await paginate(fetchPage, { pageSize: 10, maxItems: 25 }).toArray();
    expect(items).toEqual(Array.from({ length: 25 }, (_, i) => ({ id: i + 1 })));
    expect(requests.map((r) => [r.skip, r.top])).toEqual([
      [0, 10],
      [10, 10],
      [20, 5],
    ]);
  });

  it("gives maxItems items of a listing that is shorter than a page of them", async () => {
    const { fetchPage } = listing(7);
    expect(await paginate(fetchPage, { pageSize: 5, maxItems: 100 }).toArray()).toHaveLength(7);
  });

  it("refuses maxItems that is not a positive integer", () => {
    expect(() => paginate(async () => [], { maxItems: 0 })).toThrow(/maxItems/);
  });

  it("checks the signal between pages and passes it to each page", async () => {
    const controller = new AbortController();
    const { fetchPage, requests } = listing(100);
    const seen: number[] = [];
    const error = await (async () => {
      for await (const item of paginate(fetchPage, { pageSize: 10, signal: controller.signal })) {
        seen.push(item.id);
        if (item.id === 15) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsAbortError);
    expect(seen).toHaveLength(20); // the page in hand is finished; the next is never fetched
    expect(requests).toHaveLength(2);
    expect(requests[0]?.signal).toBe(controller.signal);
  });

  it("rejects nonsense options and pages", async () => {
    expect(() => paginate(async () => [], { pageSize: 0 })).toThrow(RangeError);
    await expect(paginate(async () => ({ rows: [] }) as never).toArray()).rejects.toBeInstanceOf(
      WatsPaginationError,
    );
  });
});
