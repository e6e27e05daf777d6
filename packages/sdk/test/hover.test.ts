/**
 * What an editor shows: TypeScript's own rendering of a call's result (the hover text) names the
 * model, not a list of its fields.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";

const sdkDir = join(dirname(fileURLToPath(import.meta.url)), "..");

const SOURCE = `
import type { Wats } from "@tswats/sdk";
declare const wats: Wats;
export const product = await wats.product.getProduct({ partNumber: "PCB-1000" });
export const pending = wats.product.getProduct({ partNumber: "PCB-1000" });
export const units = await wats.production.putUnits([]);
export const unit = await wats.production.getUnit({ serialNumber: "S", partNumber: "P" });
export const rows = await wats.analytics.dynamicYield({ dimensions: "partNumber" }, {});
export const status = await wats.asset.getAssetStatus({ serialNumber: "FIX-1" });
export const tickets = await wats.rootCause.getTickets({ status: 3, view: 2 });
export const state = product.state;
`;

it("a hover on a call's result shows the model's name", () => {
  const configPath = join(sdkDir, "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${configPath}`);
  const file = join(sdkDir, "test", "hover-probe.ts");
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => (name === file ? SOURCE : readFile(name));
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], { ...config.options, noEmit: true }, host);
  const checker = program.getTypeChecker();
  const probe = program.getSourceFile(file);
  if (!probe) throw new Error("the probe file was not loaded");
  const shown: Record<string, string> = {};
  for (const statement of probe.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      shown[declaration.name.getText(probe)] = checker.typeToString(
        checker.getTypeAtLocation(declaration.name),
      );
    }
  }
  expect(shown).toEqual({
    wats: "Wats",
    product: "Product",
    pending: "CallPromise<Product>",
    units: "Unit[]",
    unit: "Unit",
    rows: "YieldRow[]",
    status: "AssetStatus",
    tickets: "Ticket[]",
    state: "ProductState | null | undefined",
  });
  const errors = ts
    .getPreEmitDiagnostics(program, probe)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(errors).toEqual([]);
});
