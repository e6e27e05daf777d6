import { readFileSync } from "node:fs";
import { join } from "node:path";
import { operationSchemas as asset } from "@tswats/asset/internal/schemas";
import type { OperationSpec } from "@tswats/core";
import { operationSchemas as manualInspection } from "@tswats/manual-inspection/internal/schemas";
import { operationSchemas as mes } from "@tswats/mes/internal/schemas";
import { operationSchemas as production } from "@tswats/production/internal/schemas";
import { describe, expect, it } from "vitest";
import { internalDomains } from "./domains.js";
import { repoRoot } from "./shared.js";

/**
 * The response shapes specs/overlay.json gives the internal operations pyWATS relies on most (the
 * spec leaves them untyped), each with bodies of the documented shape, which must parse, and
 * bodies that break it, which must not (so the schema is not just `unknown`).
 */
interface Shape {
  /** An internal module's `operationSchemas` (every module's has this type). */
  schemas: typeof production;
  method: string;
  valid: unknown[];
  invalid: unknown[];
}

const GUID = "0d2a4d3e-5f60-4a1b-9c2d-3e4f5a6b7c8d";
const process = { Code: 100, ProcessID: GUID, Name: "End of line test", IsTestOperation: true, State: 1 };
const unit = {
  UnitId: GUID,
  ParentUnitId: null,
  SerialNumber: "SN1",
  UnitPhaseId: 1,
  ProcessCode: 100,
  Process: process,
  Level: 0,
};
const child = {
  ...unit,
  UnitId: "1d2a4d3e-5f60-4a1b-9c2d-3e4f5a6b7c8d",
  ParentUnitId: GUID,
  SerialNumber: "SN2",
  Level: 1,
};
const phase = { UnitPhaseId: 1, Code: "UP", Name: "Under production", Description: null };
const repairType = {
  Description: "Repair",
  UUTRequired: 1,
  BOMRequired: 0,
  Categories: [
    { GUID, Description: "Solder", Selectable: false, Failcodes: [{ GUID, Description: "Short" }] },
  ],
  MiscInfos: [{ GUID, Description: "Technician", ValidRegex: ".+", AllowedValues: [] }],
};
const step = {
  definitionId: GUID,
  id: 2,
  parentId: 1,
  name: "Label",
  type: "PassFail",
  result: 1,
  allowSkip: false,
};
const definition = { TestSequenceDefinitionId: GUID, Name: "Visual", Version: 3, Status: 2, IsGlobal: false };
const relation = {
  TestSequenceRelationId: GUID,
  TestSequenceDefinitionId: GUID,
  EntitySchema: "product",
  EntityValue: "PN%",
  TestSequenceProcessRelations: [{ ProcessId: GUID }],
  TestSequenceSiteRelations: [{ SiteCode: "00" }],
};

const shapes: Record<string, Shape> = {
  "GET /api/internal/Production/GetUnit": {
    schemas: production,
    method: "getUnit",
    valid: [unit, { ...unit, Children: [child] }],
    invalid: [{ SerialNumber: 12 }, { Children: {} }],
  },
  "GET /api/internal/Production/GetUnitInfo": {
    schemas: production,
    method: "getUnitInfo",
    valid: [unit],
    invalid: [{ UnitPhaseId: "1" }],
  },
  "GET /api/internal/Production/GetUnitHierarchy": {
    schemas: production,
    method: "getUnitHierarchy",
    valid: [{ ...unit, Children: [{ ...child, Children: [] }] }, [unit, child]],
    invalid: [{ Children: "SN2" }, [{ Level: "one" }], "SN1"],
  },
  "GET /api/internal/Production/GetUnitContents": {
    schemas: production,
    method: "getUnitContents",
    valid: [
      [
        {
          PartNumber: "PN",
          Revision: "A",
          IsBOMLoaded: true,
          Level: 0,
          Children: [{ PartNumber: "PN-CHILD", Level: 1, Units: [child] }],
          Units: [unit],
        },
      ],
    ],
    invalid: [{ PartNumber: "PN" }, [{ IsBOMLoaded: "yes" }]],
  },
  "GET /api/internal/Production/GetUnitPhase": {
    schemas: production,
    method: "getUnitPhase",
    valid: [phase],
    invalid: [{ UnitPhaseId: "1" }],
  },
  "GET /api/internal/Production/GetUnitProcess": {
    schemas: production,
    method: "getUnitProcess",
    valid: [process],
    invalid: [{ Code: "100" }],
  },
  "GET /api/internal/Mes/GetUnitPhases": {
    schemas: mes,
    method: "getUnitPhases",
    valid: [[phase, { UnitPhaseId: 16, Code: "F", Name: "Finalized" }]],
    invalid: [phase],
  },
  "GET /api/internal/Production/SerialNumbers/Statistics": {
    schemas: production,
    method: "getSerialNumberStats",
    valid: [{ type: "MAC", total: 100, free: 60, taken: 30, reserved: 10 }],
    invalid: [{ total: "100" }, [1, 2]],
  },
  "GET /api/internal/Production/SerialNumbers/Ranges": {
    schemas: production,
    method: "getSerialNumberRanges",
    valid: [
      [{ type: "MAC", identifier: 1, startAddress: "00:00", endAddress: "00:FF", total: 256, free: 255 }],
    ],
    invalid: [[{ identifier: 7 }]],
  },
  "GET /api/internal/Production/SerialNumbers/Types": {
    schemas: production,
    method: "getSerialNumberTypes",
    valid: [[{ name: "MAC", format: "XX:XX", regEx: ".*", identifier: 0 }]],
    invalid: [[{ identifier: 3 }]],
  },
  "GET /api/internal/Production/SerialNumbers/Count": {
    schemas: production,
    method: "getSerialNumberCount",
    valid: [42],
    invalid: ["42", 4.2],
  },
  "GET /api/internal/Process/GetRepairOperations": {
    schemas: production,
    method: "getRepairOperations",
    valid: [{ "500": repairType, "510": { Description: "Rework" } }],
    invalid: [{ "500": { Categories: "x" } }, [repairType]],
  },
  "GET /api/internal/Process/GetRepairOperation/{id}": {
    schemas: production,
    method: "getRepairOperation",
    valid: [repairType],
    invalid: [{ MiscInfos: [{ AllowedValues: "a" }] }],
  },
  "GET /api/internal/ManualInspection/GetSequences": {
    schemas: manualInspection,
    method: "getSequences",
    valid: [[{ definitionId: GUID, id: 1, parentId: 0, name: "Visual", type: "Sequence" }, step]],
    invalid: [[{ ...step, result: 9 }], step],
  },
  "GET /api/internal/ManualInspection/GetTestSequenceDefinition": {
    schemas: manualInspection,
    method: "getTestSequenceDefinition",
    valid: [definition, { ...definition, Relations: [relation] }],
    invalid: [{ Version: "3" }],
  },
  "GET /api/internal/ManualInspection/GetTestSequenceDefinitionXaml": {
    schemas: manualInspection,
    method: "getTestSequenceDefinitionXaml",
    valid: [{ TestSequenceDefinitionId: GUID, Definition: "<Activity />" }],
    invalid: [{ Definition: 1 }],
  },
  "GET /api/internal/ManualInspection/GetRelations/{Id}": {
    schemas: manualInspection,
    method: "getRelations",
    valid: [[relation]],
    invalid: [relation],
  },
  "GET /api/internal/ManualInspection/GetRelationConflicts/{Id}": {
    schemas: manualInspection,
    method: "getRelationConflicts",
    valid: [[{ id: GUID, name: "Visual", version: 2 }]],
    invalid: [[{ version: "2" }]],
  },
  "GET /api/internal/ManualInspection/GetInstancesCount/{Id}": {
    schemas: manualInspection,
    method: "getInstancesCount",
    valid: [3],
    invalid: ["3"],
  },
  "POST /api/internal/ManualInspection/PostDefinition": {
    schemas: manualInspection,
    method: "postDefinition",
    valid: [definition, { id: GUID, entityType: "TestSequence", name: "Visual", status: 0, version: 1 }],
    invalid: [{ Name: 5, name: 5 }, "Visual"],
  },
  "POST /api/internal/ManualInspection/PostRelation": {
    schemas: manualInspection,
    method: "postRelation",
    valid: [relation],
    invalid: [{ TestSequenceProcessRelations: {} }],
  },
  "PUT /api/internal/ManualInspection/PutRelation": {
    schemas: manualInspection,
    method: "putRelation",
    valid: [relation],
    invalid: [{ EntityValue: ["PN%"] }],
  },
  // Asset blobs: the listing is typed by the spec; the file itself is binary (overlay).
  "GET /api/internal/Blob/Asset/List/{assetId}": {
    schemas: asset,
    method: "listAssetFiles",
    valid: [["manual.pdf", "calibration-2024.xlsx"]],
    invalid: [[{ fileName: "manual.pdf" }]],
  },
};

describe.each(Object.entries(shapes))("%s", (_route, shape) => {
  const schema = shape.schemas[shape.method]?.response;

  it("parses bodies of the documented shape", () => {
    expect(schema).toBeDefined();
    for (const body of shape.valid) expect(schema?.safeParse(body).error).toBeUndefined();
  });

  it("rejects bodies that break it", () => {
    expect(schema).toBeDefined();
    for (const body of shape.invalid)
      expect(schema?.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });
});

describe("overlay-typed internal operations", () => {
  const overlay = JSON.parse(readFileSync(join(repoRoot, "specs/overlay.json"), "utf8")) as {
    operations: Record<
      string,
      { responseSchema?: unknown; response?: string; body?: { contentType: string } }
    >;
  };
  const internalOps = new Map<string, OperationSpec>(
    internalDomains.flatMap((d) =>
      Object.values(d.operationTable).map((op) => [`${op.method} ${op.path}`, op]),
    ),
  );

  it("each internal route the overlay types has its shapes tested here", () => {
    const typed = Object.entries(overlay.operations)
      .filter(([route, entry]) => entry.responseSchema !== undefined && internalOps.has(route))
      .map(([route]) => route);
    expect(typed.length).toBeGreaterThan(0);
    expect(typed.filter((route) => !(route in shapes))).toEqual([]);
    for (const [route, shape] of Object.entries(shapes))
      expect(internalOps.get(route)?.name, route).toBe(shape.method);
  });

  it("asset, client-log and inspection-media files are sent and read as bytes", () => {
    for (const route of [
      "GET /api/internal/Blob/Asset",
      "GET /api/internal/Blob/clientlog/{identifier}",
      "GET /api/internal/Blob/mi",
    ]) {
      expect(internalOps.get(route)?.response, route).toBe("binary");
    }
    for (const route of [
      "POST /api/internal/Blob/Asset",
      "POST /api/internal/Blob/clientlog/{identifier}",
      "POST /api/internal/Blob/mi",
    ]) {
      expect(internalOps.get(route)?.body, route).toEqual({
        contentType: "application/octet-stream",
        required: true,
      });
    }
  });
});
