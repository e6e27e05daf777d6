/**
 * The SDK's entry when run from its TypeScript sources (the "@tswats/source" condition: tests,
 * tsx): every domain's service module is imported here at once, since from sources the domains
 * cannot be loaded on first use the way the built package loads them (see load-domain.ts).
 */
import "./generated/domain-modules.js";

export * from "./index.js";
