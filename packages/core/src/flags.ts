/**
 * Helpers for the generated flag enums (`TicketStatus`, ...): a flag value is any bitwise OR of
 * the enum's members, so `TicketStatus.Open | TicketStatus.InProgress` (3) is one valid value.
 */

function checkFlag(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, not ${String(value)}`);
  }
  return value;
}

/** The combination of the given flags: `combineFlags(TicketStatus.Open, TicketStatus.OnHold)` is 5. */
export function combineFlags(...flags: number[]): number {
  let combined = 0;
  for (const [i, flag] of flags.entries()) combined |= checkFlag(flag, `flag ${i + 1}`);
  return combined;
}

/** True when `value` has every bit of `flags` set (`hasFlag(ticket.status, TicketStatus.Solved)`). */
export function hasFlag(value: number | null | undefined, flags: number): boolean {
  if (value === null || value === undefined) return false;
  const wanted = checkFlag(flags, "flags");
  return (checkFlag(value, "value") & wanted) === wanted;
}

/** True when `value` has at least one bit of `flags` set. */
export function hasAnyFlag(value: number | null | undefined, flags: number): boolean {
  if (value === null || value === undefined) return false;
  return (checkFlag(value, "value") & checkFlag(flags, "flags")) !== 0;
}

/**
 * The names of the members set in `value`, in the enum's order: `flagNames(TicketStatus, 9)` is
 * `["Open", "Solved"]`. Bits no member has are left out.
 */
export function flagNames<E extends Record<string, number>>(
  flagEnum: E,
  value: number,
): (keyof E & string)[] {
  checkFlag(value, "value");
  return Object.entries(flagEnum)
    .filter(([, bit]) => bit !== 0 && (value & bit) === bit)
    .map(([name]) => name);
}
