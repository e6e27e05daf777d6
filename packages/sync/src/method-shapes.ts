/**
 * How each method of a domain service is called through the sync facade, read off the service
 * class the engine's `Wats` uses. The engine describes a domain this way when the caller first
 * reads `wats.<domain>` (a `describe` request), so the caller's thread never loads a domain's code:
 * the engine loads it anyway to make the calls.
 */
import { isJsonBody, type OperationSpec } from "@tswats/core";
import { type DomainName, domainServices } from "@tswats/sdk";
import type { MethodShape } from "./protocol.js";

/** A generated service class: its methods, and its operation table as the static `operations`. */
interface ServiceClass {
  prototype: object;
  operations?: object;
}

/** A domain name that crossed from the caller, checked: only the SDK's own domains. */
export function domainName(domain: string): DomainName {
  if (!Object.hasOwn(domainServices, domain)) throw new TypeError(`wats.${domain}: no such domain`);
  return domain as DomainName;
}

/** Whether the service's operation `name` takes a JSON body (per its operation table). */
function takesJsonBody(serviceClass: ServiceClass, name: string): boolean {
  const operations = serviceClass.operations as
    | Readonly<Record<string, OperationSpec | undefined>>
    | undefined;
  return isJsonBody(operations?.[name]?.body);
}

/** The shapes of a domain's service methods (every own method of its class but private ones). */
export function methodShapes(domain: string): MethodShape[] {
  const serviceClass: ServiceClass = domainServices[domainName(domain)];
  const shapes: MethodShape[] = [];
  for (const name of Object.getOwnPropertyNames(serviceClass.prototype)) {
    if (name === "constructor" || name.startsWith("_")) continue;
    const descriptor = Object.getOwnPropertyDescriptor(serviceClass.prototype, name);
    if (typeof descriptor?.value !== "function") continue;
    const fn = descriptor.value as (...args: unknown[]) => unknown;
    const optionsIndex = Math.max(fn.length - 1, 0);
    const takesJson = takesJsonBody(serviceClass, name);
    shapes.push({
      name,
      label: `${domain}.${name}`,
      optionsIndex,
      jsonBodyIndex: takesJson && optionsIndex > 0 ? optionsIndex - 1 : undefined,
      paged: /^paginate[A-Z]/.test(name),
    });
  }
  return shapes;
}
