/** Exit codes of tswats-client (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The operation failed, or doctor found a problem. */
  failure: 1,
  /** Bad command line. */
  usage: 2,
  /** The config file is missing or invalid, or the token is missing/unsafe. */
  config: 3,
  /** `status`: no daemon is running for this queue folder. */
  notRunning: 4,
  /** `queue show/retry <id>`: no such report in the queue. */
  notFound: 5,
} as const;
