import type { serialNumbersOf as readSerialNumbers, TakenSerialNumber } from "@tswats/production/service";
import { loadDomainService } from "./load-domain.js";

export type { TakenSerialNumber };

/**
 * The serial numbers in an answer of `wats.production.takeSerialNumbers` (its XML or CSV, or the
 * whole answer a WatsDecodeError keeps): @tswats/production's `serialNumbersOf`, which loads that
 * package on first use like `wats.production` does.
 */
export const serialNumbersOf: typeof readSerialNumbers = (answer) =>
  loadDomainService<typeof readSerialNumbers>("@tswats/production/service", "serialNumbersOf")(answer);
