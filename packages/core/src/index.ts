export * from "./errors.js";
export * from "./operation.js";
export * from "./transport.js";
export { normaliseBaseUrl, redactUrl } from "./url.js";
