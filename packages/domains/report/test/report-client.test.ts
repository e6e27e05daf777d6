import { readdirSync, readFileSync } from "node:fs";
import {
  type CallInput,
  type CallOptions,
  type CallPromise,
  callPromiseOf,
  HttpTransport,
  type OperationSpec,
  type Transport,
  WatsValidationError,
} from "@tswats/core";
import { describe, expect, it } from "vitest";
import {
  parseReport,
  type Report,
  ReportClient,
  type ReportProblem,
  ReportService,
  reportFilter,
  serialiseReport,
  validateReport,
} from "../src/index.js";
import { sampleUut } from "./support.js";

/** A transport that records calls and answers from a table. */
class FakeTransport implements Transport {
  readonly calls: { op: string; input: CallInput; options: CallOptions | undefined }[] = [];
  constructor(private readonly answer: (op: string, input: CallInput) => unknown) {}
  call<T>(op: OperationSpec, input: CallInput, options?: CallOptions): CallPromise<T> {
    this.calls.push({ op: op.name, input, options });
    return callPromiseOf(() => this.answer(op.name, input) as T);
  }
}

describe("ReportClient.submit", () => {
  it("refuses an invalid report before any request, listing every problem with its path", async () => {
    const transport = new FakeTransport(() => ({}));
    const client = new ReportClient(new ReportService(transport));
    const report = sampleUut().build();
    report.pn = "";
    report.sn = "SN*";
    (report.root?.steps?.[1] as { name?: string }).name = undefined;
    const error = await client.submit(report).catch((e: unknown) => e);
    expect(WatsValidationError.is(error)).toBe(true);
    const problems = ((error as WatsValidationError).body as { problems: ReportProblem[] }).problems;
    expect(problems.filter((p) => p.severity === "error").map((p) => p.path)).toEqual([
      "$.pn",
      "$.sn",
      "$.root.steps[1].name",
    ]);
    expect((error as Error).message).toContain("$.root.steps[1].name: is required");
    expect(transport.calls).toEqual([]);
  });

  it("posts the validated wire form once, keyed by the report id, and returns the id", async () => {
    const transport = new FakeTransport((op) =>
      op === "postWsjf" ? [{ ID: "x", uuid: "y", Report_ID: 1 }] : undefined,
    );
    const client = new ReportClient({ report: new ReportService(transport) });
    const uut = sampleUut();
    const { id, result } = await client.submit(uut);
    expect(id).toBe(uut.id);
    expect(result).toEqual({ ID: "x", uuid: "y", Report_ID: 1 });
    expect(transport.calls).toHaveLength(1);
    const [call] = transport.calls;
    if (!call) throw new Error("no call");
    expect(call.op).toBe("postWsjf");
    expect(call.options?.idempotencyKey).toBe(uut.id);
    expect((call.input.body as Report).id).toBe(uut.id);
    // submitting the same builder again sends the same id: WATS replaces, never duplicates
    await client.submit(uut);
    expect((transport.calls[1]?.input.body as Report | undefined)?.id).toBe(uut.id);
  });

  it("a POST the transport retries carries the same body and id on every attempt", async () => {
    const bodies: string[] = [];
    const keys: (string | null)[] = [];
    const fetchStub = async (_url: string, init: RequestInit): Promise<Response> => {
      bodies.push(String(init.body));
      keys.push(new Headers(init.headers).get("idempotency-key"));
      return bodies.length === 1
        ? new Response("busy", { status: 503 })
        : Response.json({ ID: "ok", uuid: "ok", Report_ID: 7 });
    };
    const transport = new HttpTransport({
      baseUrl: "http://wats.example.test",
      token: "dGVzdDp0ZXN0",
      fetch: fetchStub,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      breaker: false,
      throttle: false,
      logger: false,
    });
    try {
      const uut = sampleUut();
      const { result } = await new ReportClient(new ReportService(transport)).submit(uut);
      expect(result.Report_ID).toBe(7);
      expect(bodies).toHaveLength(2);
      expect(bodies[1]).toBe(bodies[0]);
      expect(JSON.parse(bodies[0] as string).id).toBe(uut.id);
      expect(keys).toEqual([uut.id, uut.id]);
    } finally {
      await transport.close();
    }
  });
});

describe("ReportClient.submit: the wire form and the validate option", () => {
  const fixtureDir = new URL("../../../../fixtures/wsjf/", import.meta.url);
  const validFixtures = readdirSync(fixtureDir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({
      name,
      report: parseReport(JSON.parse(readFileSync(new URL(name, fixtureDir), "utf8"))),
    }))
    .filter(({ report }) => validateReport(report).valid);

  it("has valid fixtures to check", () => {
    // The server exports carry the server-added fields, so they exercise the part left to do.
    expect(validFixtures.map((f) => f.name)).toContain("uut-server-export.json");
  });

  it.each(validFixtures.map((f) => [f.name, f.report] as const))(
    "%s: the body sent is exactly serialiseReport's wire form",
    async (_name, report) => {
      const transport = new FakeTransport(() => [{ ID: "x", uuid: "y", Report_ID: 1 }]);
      await new ReportClient(new ReportService(transport)).submit(report);
      const body = transport.calls[0]?.input.body;
      expect(JSON.stringify(body)).toBe(JSON.stringify(serialiseReport(report)));
    },
  );

  it("validate: false sends without checking, but still needs a GUID id", async () => {
    const transport = new FakeTransport(() => [{ ID: "x", uuid: "y", Report_ID: 1 }]);
    const client = new ReportClient(new ReportService(transport));
    const report = sampleUut().build();
    report.sn = "SN*"; // an error validateReport reports
    await expect(client.submit(report)).rejects.toThrow(/\$\.sn/);
    expect(transport.calls).toHaveLength(0);
    const { id } = await client.submit(report, { validate: false });
    expect(id).toBe(report.id);
    expect((transport.calls[0]?.input.body as Report | undefined)?.sn).toBe("SN*");
    const noId = { ...report, id: "not-a-guid" };
    await expect(client.submit(noId, { validate: false })).rejects.toThrow(/\$\.id must be a GUID/);
    expect(transport.calls).toHaveLength(1);
  });
});

describe("ReportClient reads", () => {
  it("getWsjf returns the typed model, normalised", async () => {
    const transport = new FakeTransport(() => ({
      type: "UUT",
      id: "0F8FAD5B-D9CB-469F-A165-70867728950E",
      result: "Passed",
    }));
    const report = await new ReportClient(new ReportService(transport)).getWsjf(
      "0f8fad5b-d9cb-469f-a165-70867728950e",
      {
        detailLevel: 7,
        includeAttachments: false,
      },
    );
    expect(report).toEqual({ type: "T", id: "0f8fad5b-d9cb-469f-a165-70867728950e", result: "P" });
    expect(transport.calls[0]?.input.params).toEqual({
      id: "0f8fad5b-d9cb-469f-a165-70867728950e",
      detailLevel: 7,
      includeAttachments: false,
    });
  });

  it("getWsjf refuses what is not a report", async () => {
    const transport = new FakeTransport(() => ({ type: "T", root: { steps: "nope" } }));
    await expect(new ReportClient(new ReportService(transport)).getWsjf("x")).rejects.toThrow(
      /\$\.root\.steps/,
    );
  });

  it("queryHeaders sends the filter and the query options", async () => {
    const transport = new FakeTransport(() => [{ uuid: "a" }]);
    const client = new ReportClient(new ReportService(transport));
    const headers = await client.queryHeaders(reportFilter.eq("partNumber", "A'B"), {
      top: 5,
      orderBy: { field: "start", descending: true },
      expand: ["subUnits", "miscInfo"],
      select: ["uuid", "serialNumber"],
    });
    expect(headers).toEqual([{ uuid: "a" }]);
    expect(transport.calls[0]?.input.params).toEqual({
      $filter: "partNumber eq 'A''B'",
      $top: 5,
      $orderby: "start desc",
      $expand: "subUnits,miscInfo",
      $select: "uuid,serialNumber",
    });
    await expect(client.queryHeaders(42 as unknown as string)).rejects.toThrow(TypeError);
  });

  it("paginateHeaders walks every page in a stable order", async () => {
    const all = Array.from({ length: 5 }, (_, i) => ({ uuid: `r${i}` }));
    const transport = new FakeTransport((_op, input) => {
      const p = input.params as { $top: number; $skip: number; $orderby: string };
      expect(p.$orderby).toBe("start desc,uuid");
      return all.slice(p.$skip, p.$skip + p.$top);
    });
    const items = await new ReportClient(new ReportService(transport))
      .paginateHeaders(undefined, { pageSize: 2 })
      .toArray();
    expect(items.map((h) => h.uuid)).toEqual(["r0", "r1", "r2", "r3", "r4"]);
    expect(transport.calls).toHaveLength(3);
  });

  it("downloads attachments as bytes", async () => {
    const transport = new FakeTransport(() => new Uint8Array([1, 2, 3]).buffer);
    const client = new ReportClient(new ReportService(transport));
    expect([...(await client.downloadAttachment("r1", { stepId: 4 }))]).toEqual([1, 2, 3]);
    expect(transport.calls[0]?.input.params).toEqual({ reportId: "r1", stepId: 4 });
    await client.downloadAttachment("r1", { attachmentId: "a1" });
    expect(transport.calls[1]?.input.params).toEqual({ reportId: "r1", attachmentId: "a1" });
    expect([...(await client.downloadAttachments("r1"))]).toEqual([1, 2, 3]);
    expect(transport.calls[2]?.op).toBe("getAttachments");
  });

  it("WSXF: submits validated XML and reads XML back into the model", async () => {
    let posted = "";
    const transport = new FakeTransport((op, input) => {
      if (op === "postWsxf") {
        posted = input.body as string;
        return { ID: "x" };
      }
      return posted;
    });
    const client = new ReportClient(new ReportService(transport));
    const uut = sampleUut();
    await client.submitWsxf(uut);
    expect(posted).toContain(`ID="${uut.id.toUpperCase()}"`);
    const back = await client.getWsxf(uut.id);
    expect(back.id).toBe(uut.id);
    expect(back.root?.steps?.length).toBe(7);
    const invalid = uut.build();
    invalid.type = null;
    await expect(client.submitWsxf(invalid)).rejects.toThrow(WatsValidationError);
  });
});
