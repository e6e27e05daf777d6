/**
 * Parity: every public method of every domain in the SDK's registry is on the sync facade and
 * answers what the async `Wats` answers for the same arguments, against the simulator.
 */
import { type DomainName, domainServices, Wats, WatsNotFoundError, watsErrorKind } from "@tswats/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSyncWats, type SyncWats } from "../src/index.js";
import { type SimulatorProcess, startSimulatorProcess } from "./support/simulator-process.js";

/** Answers that differ on every call by design; for these the two sides must agree in shape. */
const VOLATILE: Record<string, string> = {
  "auth.getToken": "issues a fresh token per call",
  "scim.getJwt": "signs a fresh JWT per call",
  "export.queueExportCertificate": "numbers each queued export file",
  "systemManager.getSystemStatus": "carries the server clock",
};

/** Arguments that reach real data for some methods whose required parameters {} leaves out. */
const KNOWN_ARGS: Record<string, unknown[]> = {
  "product.getProduct": [{ partNumber: "CBL-7" }],
  "product.getProducts": [{ $top: 3, $orderby: "partNumber" }],
  "product.getProductGroupsByProduct": [{ partNumber: "CBL-7" }],
};

type Outcome = { ok: true; value: unknown } | { ok: false; kind: string; status: unknown; message: string };

function settle(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return failure(error);
  }
}

async function settleAsync(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): Outcome {
  const e = error as Error & { status?: unknown };
  return { ok: false, kind: watsErrorKind(error) ?? e.name, status: e.status, message: e.message };
}

function shape(value: unknown): unknown {
  if (Array.isArray(value)) return ["array", value.length];
  if (typeof value === "object" && value !== null) return Object.keys(value).sort();
  return typeof value;
}

function publicMethods(domain: DomainName): string[] {
  const proto = domainServices[domain].prototype as object;
  return Object.getOwnPropertyNames(proto).filter(
    (name) =>
      name !== "constructor" && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === "function",
  );
}

const domains = Object.keys(domainServices) as DomainName[];

describe("sync facade parity with the async Wats (simulator)", () => {
  let sim: SimulatorProcess;
  let sync: SyncWats;
  let wats: Wats;

  beforeAll(async () => {
    sim = await startSimulatorProcess();
    const options = {
      baseUrl: sim.url,
      token: sim.token,
      logger: false,
      throttle: false,
      retry: false,
    } as const;
    sync = createSyncWats(options);
    wats = new Wats(options);
  }, 60_000);

  afterAll(async () => {
    sync?.close();
    await wats?.close();
    await sim?.close();
  });

  it("offers every public method of every domain, and nothing else", () => {
    let total = 0;
    for (const domain of domains) {
      const expected = publicMethods(domain);
      total += expected.length;
      expect(Object.keys(sync[domain]).sort(), domain).toEqual([...expected].sort());
    }
    expect(total).toBeGreaterThanOrEqual(131);
  });

  it("answers every non-paging method as the async one does", async () => {
    const tally = { ok: 0, error: 0 };
    for (const domain of domains) {
      const asyncService = wats[domain] as unknown as Record<
        string,
        (...args: unknown[]) => Promise<unknown>
      >;
      const syncService = sync[domain] as unknown as Record<string, (...args: unknown[]) => unknown>;
      for (const method of publicMethods(domain)) {
        if (method.startsWith("paginate")) continue;
        const name = `${domain}.${method}`;
        const prototype = domainServices[domain].prototype as unknown as Record<
          string,
          (...a: unknown[]) => unknown
        >;
        const arity = prototype[method]!.length;
        const args = KNOWN_ARGS[name] ?? Array.from({ length: arity - 1 }, () => ({}));
        const viaAsync = await settleAsync(() => asyncService[method]!(...structuredClone(args)));
        const viaSync = settle(() => syncService[method]!(...structuredClone(args)));
        if (viaAsync.ok && viaSync.ok && name in VOLATILE) {
          expect(shape(viaSync.value), name).toEqual(shape(viaAsync.value));
        } else {
          expect(viaSync, name).toEqual(viaAsync);
        }
        tally[viaAsync.ok ? "ok" : "error"]++;
      }
    }
    // Both kinds of outcome were compared, not only errors.
    expect(tally.ok).toBeGreaterThan(30);
    expect(tally.error).toBeGreaterThan(30);
  });

  it("returns real data for a read, identical to the async call", async () => {
    const product = sync.product.getProduct({ partNumber: "CBL-7" });
    expect(product).toEqual(await wats.product.getProduct({ partNumber: "CBL-7" }));
    expect(product).toMatchObject({ partNumber: "CBL-7" });
  });

  it("walks every paginate helper one page at a time, with the async helper's items", async () => {
    for (const domain of domains) {
      const asyncService = wats[domain] as unknown as Record<string, (...args: unknown[]) => unknown>;
      const syncService = sync[domain] as unknown as Record<string, (...args: unknown[]) => unknown>;
      for (const method of publicMethods(domain).filter((m) => m.startsWith("paginate"))) {
        const name = `${domain}.${method}`;
        const asyncList = asyncService[method]!({}, { pageSize: 2 }) as { toArray(): Promise<unknown[]> };
        const syncList = syncService[method]!({}, { pageSize: 2 }) as {
          toArray(): unknown[];
          pages(): IterableIterator<unknown[]>;
        };
        const viaAsync = await settleAsync(() => asyncList.toArray());
        const viaSync = settle(() => syncList.toArray());
        expect(viaSync, name).toEqual(viaAsync);
        if (viaSync.ok) {
          for (const page of syncList.pages()) expect(page.length, name).toBeLessThanOrEqual(2);
        }
      }
    }
  });

  it("ends a listing that a loop leaves early, and carries on", () => {
    const seen: unknown[] = [];
    for (const product of sync.product.paginateGetProducts({}, { pageSize: 1 })) {
      seen.push(product);
      if (seen.length === 2) break;
    }
    expect(seen).toHaveLength(2);
    // The abandoned listing was closed in the engine and the facade still works.
    expect(() => sync.product.getProduct({ partNumber: "no-such-part" })).toThrow(WatsNotFoundError);
  });
});
