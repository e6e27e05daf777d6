export { DEFAULT_MAX_RESPONSE_BYTES } from "./answer.js";
export type { FetchLike } from "./attempts.js";
export type { TokenSource } from "./auth-token.js";
export * from "./backoff.js";
export * from "./batch.js";
export * from "./breaker.js";
export * from "./call-promise.js";
export { monotonicNow } from "./clock.js";
export * from "./config.js";
export * from "./correlation.js";
export * from "./errors.js";
export * from "./flags.js";
export * from "./hooks.js";
export { JsonText, keepJsonSources, takeJsonSource } from "./json-source.js";
export { loadOnFirstUse } from "./load-on-first-use.js";
export * from "./logger.js";
export * from "./metrics.js";
export * from "./odata.js";
export * from "./operation.js";
export { formatIssues, type OptionIssue } from "./option-rules.js";
export * from "./paginate.js";
export { REDACTED, scrubSecrets } from "./redact.js";
export { type ResponseValidationMode, responseDifferences } from "./response-validation.js";
export * from "./retry.js";
export * from "./retry-budget.js";
export * from "./station.js";
export * from "./throttle.js";
export * from "./transport.js";
export { normaliseBaseUrl, redactUrl } from "./url.js";
export { CORE_VERSION, userAgent } from "./version.js";
export { parseXmlDocument, XmlDecodeError, type XmlElement } from "./xml.js";

// The CommonJS copy's entry returns this module when it is loaded (see share-with-commonjs.ts).
import * as coreModule from "./index.js";
import { shareWithCommonJs } from "./share-with-commonjs.js";

shareWithCommonJs(coreModule, import.meta.url);
