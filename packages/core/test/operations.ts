/**
 * The operations and constants the core tests call with, without vitest: the child-process probes
 * (fixtures/) import them too. helpers.ts re-exports them.
 */
import type { OperationSpec } from "../src/operation.js";

export const BASE = "https://wats.example.test";
/** A token that must never show up in any log line, error message or error field. */
export const CANARY = "Q0FOQVJZLXRva2VuLTdmM2E5YzFlNWQ=";

export const getProduct: OperationSpec = {
  name: "getProduct",
  operationId: "Product_GetProduct",
  method: "GET",
  path: "/api/Product/{partNumber}",
  pathParams: ["partNumber"],
  queryParams: [],
  response: "json",
};

export const listProducts: OperationSpec = {
  name: "listProducts",
  operationId: "Product_Query",
  method: "GET",
  path: "/api/Product/Query",
  pathParams: [],
  queryParams: ["$top", "$skip", "$filter"],
  response: "json",
  odata: true,
};

export const postReport: OperationSpec = {
  name: "postReportWsjf",
  operationId: "Report_PostWsjf",
  method: "POST",
  path: "/api/Report/WSJF",
  pathParams: [],
  queryParams: [],
  body: { contentType: "application/json", required: true },
  response: "json",
  idempotent: true,
};

export const postThing: OperationSpec = {
  name: "createThing",
  operationId: "Thing_Create",
  method: "POST",
  path: "/api/Thing",
  pathParams: [],
  queryParams: [],
  body: { contentType: "application/json", required: true },
  response: "json",
};

export const internalOp: OperationSpec = {
  name: "getInternalThing",
  operationId: "Internal_Get",
  method: "GET",
  path: "/api/internal/Thing/{id}",
  pathParams: ["id"],
  queryParams: [],
  response: "json",
  internal: true,
};

export const putProduct: OperationSpec = {
  name: "putProduct",
  operationId: "Product_Put",
  method: "PUT",
  path: "/api/Product",
  pathParams: [],
  queryParams: [],
  body: { contentType: "application/json", required: true },
  response: "json",
};

export const deleteProduct: OperationSpec = { ...getProduct, name: "deleteProduct", method: "DELETE" };
export const headProduct: OperationSpec = {
  ...getProduct,
  name: "headProduct",
  method: "HEAD",
  response: "none",
};
