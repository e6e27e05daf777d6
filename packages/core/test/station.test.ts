import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WatsConfigError } from "../src/errors.js";
import { resolveStation, sanitiseStationName } from "../src/station.js";

const hostname = () => "build-host-01";

describe("resolveStation", () => {
  it("takes the explicit option first, then WATS_STATION, then the config file, then the host name", () => {
    const env = { WATS_STATION: "ENV-STATION" };
    const configFile = { station: "FILE-STATION" };
    expect(resolveStation({ explicit: "ICT-3", env, configFile, hostname })).toBe("ICT-3");
    expect(resolveStation({ env, configFile, hostname })).toBe("ENV-STATION");
    expect(resolveStation({ env: {}, configFile, hostname })).toBe("FILE-STATION");
    expect(resolveStation({ env: {}, hostname })).toBe("build-host-01");
  });

  it("reads the config file named by a path or WATS_CONFIG", () => {
    const dir = mkdtempSync(join(tmpdir(), "tswats-station-"));
    const file = join(dir, "wats.json");
    writeFileSync(file, JSON.stringify({ station: "  FCT / line 2  " }));
    expect(resolveStation({ env: {}, configFile: file, hostname })).toBe("FCT line 2");
    expect(resolveStation({ env: { WATS_CONFIG: file }, hostname })).toBe("FCT line 2");
    expect(() => resolveStation({ env: {}, configFile: join(dir, "missing.json"), hostname })).toThrow(
      WatsConfigError,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it("falls through a candidate that is empty after sanitising", () => {
    expect(resolveStation({ explicit: "  ", env: { WATS_STATION: '<>:"|?*' }, hostname })).toBe(
      "build-host-01",
    );
    expect(resolveStation({ env: {}, hostname: () => "" })).toBe("unknown-station");
  });

  it("sanitises: trims, removes forbidden and control characters, collapses spaces, caps the length", () => {
    expect(sanitiseStationName("  Line\t1\nStation  ")).toBe("Line 1 Station");
    expect(sanitiseStationName("A  B   C")).toBe("A B C");
    expect(sanitiseStationName('a<b>c:d"e/f\\g|h?i*j\u0000k\u007f')).toBe("abcdefghijk");
    expect(sanitiseStationName("x".repeat(80))).toHaveLength(50);
    expect(sanitiseStationName(`${"y".repeat(49)} z`)).toBe("y".repeat(49));
    expect(sanitiseStationName("Prüfstand-Ø 7")).toBe("Prüfstand-Ø 7");
  });
});
