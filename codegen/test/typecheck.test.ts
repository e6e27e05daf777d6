import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { runCodegen } from "../src/run.js";
import { doc, json, op } from "./helpers.js";

const codegenDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = join(codegenDir, "..");
const root = join(codegenDir, ".test-output", `typecheck-${process.pid}`);
afterAll(() => rm(root, { recursive: true, force: true }));

/** A spec exercising every construct the emitters handle. */
function kitchenSink() {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  return doc(
    {
      "/api/Thing/{id}": {
        get: op(
          "Thing_PublicGetThing",
          "Thing",
          { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }] },
          ref("N.Thing"),
        ),
        put: op("Thing_PutThing", "Thing", {
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            { name: "mode", in: "query", schema: { type: "integer", enum: [0, 1, 2] } },
          ],
          requestBody: json(ref("N.Thing")),
        }),
      },
      "/api/Thing/Query": {
        get: op(
          "Thing_Query",
          "Thing",
          { description: "Supports OData." },
          { type: "array", items: ref("N.Thing") },
        ),
      },
      "/api/Thing/Upload": { post: op("Thing_Upload", "Thing") },
      "/api/Thing/Xml": { get: op("Thing_Xml", "Thing") },
      "/api/Thing/Rows": {
        get: op("Thing_Rows", "Thing", {
          parameters: [
            { name: "status", in: "query", description: "Status flags.", schema: { type: "integer" } },
          ],
        }),
      },
      "/api/Thing/Nothing": {
        delete: { operationId: "Thing_Nothing", tags: ["Thing"], responses: { "204": { description: "" } } },
      },
      "/api/Thing/Optional": {
        post: op("Thing_Optional", "Thing", {
          parameters: [{ name: "flag", in: "query", schema: { type: "boolean" } }],
          requestBody: { ...json({ type: "array", items: { type: "string" } }), required: false },
        }),
      },
    },
    {
      "N.Thing": {
        type: "object",
        required: ["id"],
        properties: {
          id: { type: "string", format: "uuid" },
          kind: { type: "integer", enum: [0, 1, 2] },
          label: { type: "string", enum: ["a", "b"] },
          parent: ref("N.Thing"),
          children: { type: "array", items: ref("N.Thing") },
          bag: { type: "object" },
          map: { type: "object", additionalProperties: { type: "number" } },
          when: { type: "string", format: "date-time" },
          "odd-name": { type: "boolean" },
          both: { allOf: [ref("N.Part"), ref("N.Other")] },
        },
      },
      "N.Part": { type: "object", properties: { a: { type: "string", maxLength: 10 } } },
      "N.Other": { type: "object", properties: { b: { type: "integer", format: "int64" } } },
    },
  );
}

it("generated output type-checks with skipLibCheck off", async () => {
  await mkdir(join(root, "specs/wats"), { recursive: true });
  await writeFile(
    join(root, "specs/overlay.json"),
    JSON.stringify({
      packages: { Thing: { name: "thing", service: "ThingService", description: "Things." } },
      operations: {
        "POST /api/Thing/Upload": {
          body: {
            contentType: "multipart/form-data",
            schema: { inline: { type: "string", format: "binary" } },
          },
          response: "binary",
        },
        "GET /api/Thing/Xml": { response: "text" },
        "GET /api/Thing/Rows": {
          responseSchema: {
            inline: { type: "array", items: { $ref: "#/overlay/models/ThingRow" } },
            evidence: [{ source: "pywats", ref: "thing.ThingRow" }],
          },
        },
        "GET /api/internal/Thing/Tree": {
          responseSchema: {
            inline: {
              oneOf: [
                { $ref: "#/components/schemas/N.Thing" },
                { type: "array", items: { $ref: "#/components/schemas/N.Thing" } },
              ],
            },
          },
        },
        "POST /api/internal/Thing/File": {
          body: {
            contentType: "application/octet-stream",
            schema: { inline: { type: "string", format: "binary" } },
          },
        },
      },
      enums: [
        {
          name: "ThingKind",
          members: { Zero: 0, One: 1, Two: 2 },
          usedBy: ["Thing.kind", "PUT /api/Thing/{id} mode"],
        },
        {
          name: "ThingStatus",
          flags: true,
          members: { Open: 1, Busy: 2, Done: 4 },
          usedBy: ["GET /api/Thing/Rows status", "ThingRow.status"],
        },
      ],
      models: {
        ThingRow: {
          description: "A row of things.",
          evidence: [{ source: "pywats", ref: "thing.ThingRow" }],
          schema: {
            type: "object",
            required: ["name"],
            properties: {
              name: { type: "string", description: "The name." },
              status: { type: "integer" },
              thing: { $ref: "#/components/schemas/N.Thing" },
            },
          },
        },
      },
    }),
  );
  await writeFile(join(root, "specs/wats/openapi_public_v3.json"), JSON.stringify(kitchenSink()));
  // The internal spec: the public operations again, plus internal-only ones.
  const internal = kitchenSink();
  internal.paths["/api/internal/Thing/Tree"] = {
    get: op("Thing_GetTreeInternal", "Thing", {
      parameters: [{ name: "id", in: "query", required: true, schema: { type: "string" } }],
    }),
  };
  internal.paths["/api/internal/Thing/File"] = { post: op("Thing_PostFile", "Thing") };
  await writeFile(join(root, "specs/wats/openapi_internal_v3.json"), JSON.stringify(internal));
  const result = await runCodegen({ root });
  expect(result.status).toBe("written");
  const usage = `import { ThingService, ThingKind, ThingStatus, type Thing, type ThingRow } from "./generated/index.js";
import { ThingSchema, ThingRowSchema } from "./schemas.js";
import { ThingInternalService, operationTable as internalTable, type Thing as InternalThing } from "./internal.js";
import type { Transport } from "@tswats/core";
declare const transport: Transport;
const service = new ThingService(transport);
export async function use(): Promise<void> {
  const thing: Thing = await service.getThing({ id: "x" });
  const parsed: Thing = ThingSchema.parse(thing);
  await service.putThing({ id: parsed.id, mode: ThingKind.One }, parsed);
  const many: Thing[] = await service.query({ $top: 10, $filter: "id eq 'x'" });
  const bytes: ArrayBuffer = await service.upload(new FormData());
  const xml: string = await service.xml();
  const nothing: void = await service.nothing();
  for await (const item of service.paginateQuery({ $filter: "id eq 'x'" }, { pageSize: 5 })) {
    const typed: Thing = item;
    void typed;
  }
  await service.optional();
  await service.optional({ flag: true }, ["a"]);
  void many; void bytes; void xml; void nothing;
  const rows: ThingRow[] = await service.rows({ status: ThingStatus.Open | ThingStatus.Done });
  const combined: ThingStatus = 3;
  const row: ThingRow = ThingRowSchema.parse({ name: "a", status: 5 });
  void rows; void combined; void row;
  // @ts-expect-error a flag value is a number
  await service.rows({ status: "Open" });
  // @ts-expect-error the path parameter is required
  await service.getThing({});
  const internal = new ThingInternalService(transport);
  const tree: InternalThing | InternalThing[] = await internal.getTree({ id: "x" });
  await internal.postFile(new Uint8Array([1]));
  const flag: true = internalTable.getTree.internal;
  void tree; void flag;
}
`;
  await writeFile(join(root, "packages/domains/thing/src/usage.ts"), usage);
  await writeFile(
    join(root, "tsconfig.json"),
    JSON.stringify({
      extends: join(repoRoot, "tsconfig.base.json"),
      compilerOptions: {
        noEmit: true,
        skipLibCheck: false,
        baseUrl: ".",
        paths: { "@tswats/core": [join(repoRoot, "packages/core/src/index.ts")] },
        typeRoots: [join(repoRoot, "node_modules/@types")],
      },
      include: ["packages/domains/thing/src"],
    }),
  );
  const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
  const run = promisify(execFile);
  const outcome = await run(process.execPath, [tsc, "-p", join(root, "tsconfig.json")], { cwd: root }).then(
    () => "",
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(outcome).toBe("");
}, 300_000);
