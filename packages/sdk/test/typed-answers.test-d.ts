/**
 * Type-level tests (run by vitest's typecheck, so they fail the test run): the results of a sample
 * of operations per domain are their named models, named enums work as values and types, and flag
 * enums accept combinations.
 */
import type { Level, OeeResult, Process, TopFailedStep, YieldRow } from "@tswats/analytics";
import { DateGrouping, YieldDimension } from "@tswats/analytics";
import { type Asset, type AssetAlarmState, AssetState, type AssetStatus } from "@tswats/asset";
import type { AccessToken } from "@tswats/auth";
import type { BarcodeIdentifier } from "@tswats/barcode-identifiers";
import { combineFlags, hasFlag, type XmlElement } from "@tswats/core";
import type { QueuedExport } from "@tswats/export";
import type { CommonUserSettings } from "@tswats/mes";
import { type Product, ProductState, type ProductView } from "@tswats/product";
import { type ChildUnitsCheck, type Unit, UnitPhase } from "@tswats/production";
import type { ReportHeader, ReportHeaderResult } from "@tswats/report";
import { type GetTicketsParams, type Ticket, TicketStatus, TicketView } from "@tswats/root-cause";
import type { ScimUser, ScimUserList } from "@tswats/scim";
import type { Wats } from "@tswats/sdk";
import type { Package, PackageStatus } from "@tswats/software";
import type { StationClient } from "@tswats/system-manager";
import { describe, expectTypeOf, it } from "vitest";

/** What a method of a domain service resolves to. */
type Answer<D extends keyof Wats, M extends keyof Wats[D]> = Wats[D][M] extends (
  ...args: never[]
) => Promise<infer R>
  ? R
  : never;

describe("every sampled operation answers its named model", () => {
  it("analytics", () => {
    expectTypeOf<Answer<"analytics", "dynamicYield">>().toEqualTypeOf<YieldRow[]>();
    expectTypeOf<Answer<"analytics", "postTopFailed">>().toEqualTypeOf<TopFailedStep[]>();
    expectTypeOf<Answer<"analytics", "processes">>().toEqualTypeOf<Process[]>();
    expectTypeOf<Answer<"analytics", "levels">>().toEqualTypeOf<Level[]>();
    expectTypeOf<Answer<"analytics", "oeeAnalysis">>().toEqualTypeOf<OeeResult>();
    expectTypeOf<Answer<"analytics", "uutReport">>().toEqualTypeOf<ReportHeader[]>();
  });

  it("asset, auth, barcode identifiers, export, mes", () => {
    expectTypeOf<Answer<"asset", "getAssetBySerialNumber">>().toEqualTypeOf<Asset>();
    expectTypeOf<Answer<"asset", "getAssetChildren">>().toEqualTypeOf<Asset[]>();
    expectTypeOf<Answer<"asset", "getAssetStatus">>().toEqualTypeOf<AssetStatus>();
    expectTypeOf<Answer<"auth", "getToken">>().toEqualTypeOf<string | AccessToken>();
    expectTypeOf<
      Answer<"barcodeIdentifiers", "deleteBarcodeIdentifier">
    >().toEqualTypeOf<BarcodeIdentifier>();
    expectTypeOf<Answer<"export", "getExportList">>().toEqualTypeOf<string[]>();
    expectTypeOf<Answer<"export", "queueExportCertificate">>().toEqualTypeOf<QueuedExport>();
    expectTypeOf<Answer<"mes", "getCommonUserSettings">>().toEqualTypeOf<CommonUserSettings>();
  });

  it("product, production, report", () => {
    expectTypeOf<Answer<"product", "getProduct">>().toEqualTypeOf<Product>();
    expectTypeOf<Answer<"product", "getProducts">>().toEqualTypeOf<ProductView[]>();
    expectTypeOf<Answer<"product", "putProducts">>().toEqualTypeOf<Product[]>();
    expectTypeOf<Answer<"production", "getUnit">>().toEqualTypeOf<Unit>();
    expectTypeOf<Answer<"production", "putUnits">>().toEqualTypeOf<Unit[]>();
    expectTypeOf<Answer<"production", "checkChildUnits">>().toEqualTypeOf<ChildUnitsCheck>();
    expectTypeOf<Answer<"production", "takeSerialNumbers">>().toEqualTypeOf<XmlElement | string>();
    expectTypeOf<Answer<"report", "headerQuery">>().toEqualTypeOf<ReportHeader[]>();
  });

  it("root cause, scim, software, system manager, workflow", () => {
    expectTypeOf<Answer<"rootCause", "getTicket">>().toEqualTypeOf<Ticket>();
    expectTypeOf<Answer<"scim", "getUser">>().toEqualTypeOf<ScimUser>();
    expectTypeOf<Answer<"scim", "getUsers">>().toEqualTypeOf<ScimUserList>();
    expectTypeOf<Answer<"software", "getSoftwarePackages">>().toEqualTypeOf<Package[]>();
    expectTypeOf<Answer<"systemManager", "clients">>().toEqualTypeOf<StationClient[]>();
    expectTypeOf<Answer<"systemManager", "levelByHierarchy">>().toEqualTypeOf<number | null>();
    expectTypeOf<Answer<"workflow", "startTest">>().toEqualTypeOf<boolean>();
  });

  it("model fields carry their named enums", () => {
    expectTypeOf<NonNullable<Product["state"]>>().toEqualTypeOf<ProductState>();
    expectTypeOf<NonNullable<Unit["unitPhaseId"]>>().toEqualTypeOf<UnitPhase>();
    expectTypeOf<NonNullable<Package["status"]>>().toEqualTypeOf<PackageStatus>();
    expectTypeOf<NonNullable<ReportHeader["result"]>>().toEqualTypeOf<ReportHeaderResult>();
    expectTypeOf<NonNullable<AssetStatus["status"]>>().toEqualTypeOf<AssetAlarmState>();
    expectTypeOf<NonNullable<Ticket["status"]>>().toEqualTypeOf<TicketStatus>();
  });
});

describe("named enums are values and types", () => {
  it("accept their members and refuse other values", () => {
    const state: AssetState = AssetState.InCalibration;
    const phase: UnitPhase = UnitPhase.Finalized;
    const released: PackageStatus = "Released";
    const grouping: DateGrouping = DateGrouping.Day;
    const dimension: YieldDimension = YieldDimension.StationName;
    expectTypeOf(AssetState.InCalibration).toEqualTypeOf<4>();
    expectTypeOf<AssetState>().toEqualTypeOf<0 | 1 | 2 | 3 | 4 | 5 | 6>();
    expectTypeOf([state, phase, released, grouping, dimension]).not.toBeNever();
    expectTypeOf(ProductState.Active).toEqualTypeOf<1>();
    // @ts-expect-error 9 is not an AssetState
    const badState: AssetState = 9;
    // @ts-expect-error 3 is not a UnitPhase (phases are 1, 2, 4, ... 2048, 4098, 4100, 4104)
    const badPhase: UnitPhase = 3;
    // @ts-expect-error package statuses are case-sensitive names
    const badStatus: PackageStatus = "released";
    expectTypeOf([badState, badPhase, badStatus]).not.toBeNever();
  });

  it("flag enums accept combinations, and only numbers", () => {
    const both: TicketStatus = 3;
    const combined: TicketStatus = TicketStatus.Open | TicketStatus.InProgress;
    const params: GetTicketsParams = {
      status: combineFlags(TicketStatus.Solved, TicketStatus.Closed),
      view: TicketView.All,
    };
    const literal: GetTicketsParams = { status: 5, view: TicketView.Assigned };
    expectTypeOf(hasFlag(both, TicketStatus.Open)).toEqualTypeOf<boolean>();
    expectTypeOf([combined, params, literal]).not.toBeNever();
    // @ts-expect-error a flag value is a number
    const badFlags: TicketStatus = "Open";
    expectTypeOf(badFlags).not.toBeNever();
  });
});
