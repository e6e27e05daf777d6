/**
 * The deterministic starting data of a simulator: processes, levels, stations, users, products
 * and groups, units, assets, serial number pools, software packages, tickets, barcode identifiers
 * and a history of test and repair reports. Everything comes from the seeded generator and the
 * epoch, so a seed (and epoch) always gives the same data.
 */
import { storeReport } from "./handlers/report.js";
import type { SimState } from "./state.js";
import { withOffset } from "./time.js";

const DAY = 86_400_000;

/** The reference time of seeded data when no epoch is given. */
export const DEFAULT_EPOCH = Date.parse("2026-01-01T00:00:00.000Z");

const PROCESSES = [
  { code: 10, name: "SW Debug", test: true },
  { code: 50, name: "PCBA test", test: true },
  { code: 90, name: "Burn In test", test: true },
  { code: 100, name: "Final Function test", test: true },
  { code: 200, name: "Assembly", wip: true },
  { code: 500, name: "Repair", repair: true },
  { code: 510, name: "RMA repair", repair: true },
  { code: 520, name: "Rework", repair: true, inactive: true },
];

const PRODUCTS = [
  { pn: "PWR-1000", name: "Power supply 1 kW", category: "Power", revs: ["A", "B"], ops: [50, 90, 100] },
  { pn: "PWR-2000", name: "Power supply 2 kW", category: "Power", revs: ["A"], ops: [50, 100] },
  { pn: "CTRL-100", name: "Controller board", category: "PCBA", revs: ["01", "02"], ops: [10, 50] },
  { pn: "CBL-7", name: "Cable assembly", category: "Cable", revs: ["1"], ops: [], nonSerial: true },
];

const STATIONS = ["STATION-01", "STATION-02", "STATION-03", "BURNIN-01", "REPAIR-01"];

/** The processes (test, repair and WIP operations): present even with `data: "empty"`. */
export function seedProcesses(state: SimState): void {
  for (const p of PROCESSES) {
    state.system.processes.push({
      processId: state.random.uuid(),
      code: p.code,
      name: p.name,
      description: null,
      isTestOperation: p.test === true,
      isRepairOperation: p.repair === true,
      isWipOperation: p.wip === true,
      isActive: p.inactive !== true,
    });
  }
}

/** Fills the state with the seeded data (after seedProcesses). */
export function seedState(state: SimState, epoch: number): void {
  const r = state.random;
  const iso = (offsetDays: number) => new Date(epoch + offsetDays * DAY).toISOString();

  const drammen = state.system.ensureHierarchy(["Europe", "Norway", "Drammen"]);
  const wisconsin = state.system.ensureHierarchy(["Americas", "USA", "Wisconsin"]);
  STATIONS.forEach((name, i) => {
    state.system.addClient({
      clientId: i + 1,
      name,
      displayName: name,
      location: i < 3 ? "Drammen, Norway" : "Wisconsin, USA",
      purpose: name.startsWith("REPAIR") ? "Repair" : "Production",
      type: 5,
      clientGroupId: i < 3 ? drammen.levelId : wisconsin.levelId,
      identifier: r.hex(12),
      status: i === 2 ? "Offline" : "Online",
      version: "6.1.24",
      lastReport: iso(-r.int(0, 3)),
      pendingCount: 0,
      log: `${iso(-1)} INFO Client started\n${iso(-1)} INFO Connected to server\n`,
    });
  });

  for (const [userName, fullName, role] of [
    ["simulator", "Simulator Administrator", "Administrator"],
    ["operator1", "Olivia Operator", "Operator"],
    ["engineer1", "Erik Engineer", "Engineer"],
  ] as const) {
    const [givenName, familyName] = fullName.split(" ") as [string, string];
    state.users.add(
      {
        userName,
        givenName,
        familyName,
        fullName,
        email: `${userName}@example.com`,
        active: true,
        roles: [role],
        levels: [],
        productGroups: [],
        cultureCode: "en-US",
      },
      iso(-365),
    );
  }

  state.products.addGroup("Power", [{ partNumber: "PWR-*", revision: null, exclude: false }]);
  state.products.addGroup("Controllers", [{ partNumber: "CTRL-*", revision: null, exclude: false }]);
  state.products.addVendors([{ VendorName: "Acme Components" }, { VendorName: "Nordic Cables" }]);
  for (const p of PRODUCTS) {
    state.products.upsert({
      partNumber: p.pn,
      name: p.name,
      description: `${p.name} (seeded)`,
      nonSerial: p.nonSerial ?? false,
      productCategoryName: p.category,
    });
    for (const rev of p.revs) {
      state.products.upsertRevision({ PartNumber: p.pn, revision: rev, name: `${p.name} rev ${rev}` });
    }
  }

  // Units: a few per serialised product; the first controller of each power supply is its child.
  for (const p of PRODUCTS.filter((x) => !x.nonSerial)) {
    for (let i = 1; i <= 4; i++) {
      state.units.upsert(
        {
          serialNumber: `${p.pn.replace("-", "")}-${String(i).padStart(4, "0")}`,
          partNumber: p.pn,
          revision: p.revs[p.revs.length - 1] ?? null,
          batchNumber: `B-${r.int(100, 999)}`,
          unitPhaseId: p.pn.startsWith("CTRL") ? 16 : 2,
        },
        iso(-30),
      );
    }
  }
  for (const [i, pn] of ["PWR-1000", "PWR-2000"].entries()) {
    const parent = state.units.require(`${pn.replace("-", "")}-0001`, pn);
    const child = state.units.require(`CTRL100-${String(i + 1).padStart(4, "0")}`, "CTRL-100");
    state.units.setParent(child, parent);
  }

  const fixture = state.assets.putType({
    typeName: "Fixture",
    runningCountLimit: 10_000,
    totalCountLimit: 100_000,
    maintenanceInterval: 90,
    calibrationInterval: null,
    warningThreshold: 80,
    alarmThreshold: 100,
  });
  const instrument = state.assets.putType({
    typeName: "Instrument",
    calibrationInterval: 365,
    maintenanceInterval: 180,
    warningThreshold: 80,
    alarmThreshold: 100,
  });
  const cable = state.assets.putType({
    typeName: "Cable",
    runningCountLimit: 5000,
    warningThreshold: 80,
    alarmThreshold: 100,
  });
  const now = iso(0);
  const fix = state.assets.put(
    { serialNumber: "FIX-001", typeId: fixture.typeId, assetName: "PCBA test fixture", location: "Drammen" },
    "simulator",
    iso(-200),
  );
  state.assets.put(
    { serialNumber: "CBL-A1", typeId: cable.typeId, assetName: "Fixture cable", parentAssetId: fix.assetId },
    "simulator",
    iso(-200),
  );
  const dmm = state.assets.put(
    {
      serialNumber: "DMM-001",
      typeId: instrument.typeId,
      assetName: "Digital multimeter",
      location: "Drammen",
    },
    "simulator",
    iso(-400),
  );
  state.assets.calibrate(dmm, iso(-r.int(30, 300)), "simulator", now, "Seeded calibration");
  state.assets.maintain(fix, iso(-r.int(10, 80)), "simulator", now, "Seeded maintenance");
  state.assets.increment(fix, r.int(100, 5000), true, "simulator", now);

  state.serialNumbers.addType({
    name: "PCBA",
    description: "PCBA serial numbers",
    format: "PCBA-{000000}",
    regEx: "^PCBA-\\d{6}$",
    identifier: 0,
    identifierName: "SerialNumber",
  });
  state.serialNumbers.addType({
    name: "MAC",
    description: "Ethernet MAC addresses",
    format: "XX:XX:XX:XX:XX:XX",
    regEx: "^([0-9A-F]{2}:){5}[0-9A-F]{2}$",
    identifier: 1,
    identifierName: "MacAddress",
  });
  state.serialNumbers.add(
    "PCBA",
    Array.from({ length: 200 }, (_, i) => `PCBA-${String(i + 1).padStart(6, "0")}`),
    iso(-60),
  );
  state.serialNumbers.add(
    "MAC",
    Array.from(
      { length: 100 },
      (_, i) =>
        `00:1A:2B:00:${(i >> 8).toString(16).padStart(2, "0").toUpperCase()}:${(i & 255).toString(16).padStart(2, "0").toUpperCase()}`,
    ),
    iso(-60),
  );

  const stations = state.software.addFolder("Stations", "Test station software");
  state.software.addFolder("Fixtures", "Fixture drivers");
  const v1 = state.software.create(
    {
      name: "StationSetup",
      description: "Test station setup",
      rootDirectory: "C:\\WATS\\StationSetup",
      virtualFolderId: stations.id,
      tags: [{ key: "Station", value: "PCBA" }],
    },
    "simulator",
    iso(-90),
  );
  state.software.addFiles(
    v1,
    [
      { path: "bin/setup.exe", data: seededBinary("setup.exe", 4096) },
      { path: "config/station.ini", data: Buffer.from("[station]\r\nline=PCBA\r\nfixture=FIX-001\r\n") },
    ],
    false,
    iso(-90),
  );
  state.software.transition(v1, "Pending", "simulator", iso(-89));
  state.software.transition(v1, "Released", "simulator", iso(-88));
  state.software.create(
    { name: "StationSetup", description: "Next version", tags: [{ key: "Station", value: "PCBA" }] },
    "simulator",
    iso(-10),
  );

  state.barcodes.put({
    pattern: "^(?<partNumber>[A-Z]+-\\d+)\\|(?<serialNumber>[^|]+)(?:\\|(?<revision>[^|]+))?$",
    description: "PN|SN|REV labels",
    order: 0,
  });

  // Report history: a few weeks of tests, with some failures, retests and one repair.
  const steps = (fail: boolean, value: number) => ({
    id: 1,
    group: "M",
    stepType: "SequenceCall",
    name: "MainSequence Callback",
    status: fail ? "F" : "P",
    totTime: 12.5,
    seqCall: { path: "Production.seq", name: "MainSequence", version: "1.4.0" },
    steps: [
      {
        id: 2,
        group: "M",
        stepType: "ET_PFT",
        name: "Power on",
        status: "P",
        totTime: 0.5,
        booleanMeas: [{ name: null, status: "P" }],
      },
      {
        id: 3,
        group: "M",
        stepType: "ET_NLT",
        name: "Voltage 3V3",
        status: fail ? "F" : "P",
        totTime: 1.25,
        causedUUTFailure: fail,
        numericMeas: [
          {
            compOp: "GELE",
            name: null,
            status: fail ? "F" : "P",
            unit: "V",
            value,
            lowLimit: 3.2,
            highLimit: 3.4,
          },
        ],
      },
      {
        id: 4,
        group: "M",
        stepType: "ET_SVT",
        name: "Firmware version",
        status: "P",
        totTime: 0.1,
        stringMeas: [{ compOp: "CASESENSIT", name: null, status: "P", value: "1.4.0", limit: "1.4.0" }],
      },
    ],
  });
  let firstFailure: { id: string; pn: string; rev: string; sn: string } | undefined;
  for (const p of PRODUCTS.filter((x) => !x.nonSerial)) {
    for (let unit = 1; unit <= 4; unit++) {
      const sn = `${p.pn.replace("-", "")}-${String(unit).padStart(4, "0")}`;
      const rev = p.revs[p.revs.length - 1] as string;
      let day = -r.int(5, 25);
      for (const code of p.ops) {
        let passed = false;
        const base = epoch + day * DAY + r.int(8, 15) * 3_600_000 + r.int(0, 1_799_999);
        for (let run = 0; run < 3 && !passed; run++) {
          const fail = r.chance(0.2);
          const value = fail ? 3.1 - r.next() * 0.05 : 3.25 + r.next() * 0.1;
          const id = r.uuid();
          const start = withOffset(base + run * 1_800_000, 60);
          const report = {
            type: "T",
            id,
            pn: p.pn,
            sn,
            rev,
            processCode: code,
            result: fail ? "F" : "P",
            machineName: code === 90 ? "BURNIN-01" : r.pick(STATIONS.slice(0, 3)),
            location: code === 90 ? "Wisconsin, USA" : "Drammen, Norway",
            purpose: "Production",
            start,
            root: steps(fail, Math.round(value * 1000) / 1000),
            uut: {
              execTime: 12.5 + r.int(0, 50) / 10,
              user: "operator1",
              batchSN: `B-${p.pn}`,
              fixtureId: "FIX-001",
              testSocketIndex: 0,
              errorCode: 0,
            },
            miscInfos: [{ description: "Firmware", text: "1.4.0", numeric: null }],
            subUnits: [],
          };
          const size = Buffer.byteLength(JSON.stringify(report));
          storeReport(state, report, size, "seed");
          if (fail && !firstFailure) firstFailure = { id, pn: p.pn, rev, sn };
          passed = !fail;
        }
        day += 1;
      }
    }
  }
  if (firstFailure) {
    const report = {
      type: "R",
      id: r.uuid(),
      pn: firstFailure.pn,
      sn: firstFailure.sn,
      rev: firstFailure.rev,
      processCode: 500,
      result: "P",
      machineName: "REPAIR-01",
      location: "Drammen, Norway",
      purpose: "Repair",
      start: withOffset(epoch - 2 * DAY, 60),
      uur: {
        user: "engineer1",
        comment: "Replaced regulator",
        processCode: 50,
        refUUT: firstFailure.id,
        execTime: 600,
      },
      subUnits: [
        {
          partType: "Main",
          pn: firstFailure.pn,
          rev: firstFailure.rev,
          sn: firstFailure.sn,
          idx: 0,
          failures: [
            {
              category: "Component",
              code: "Defect component",
              comRef: "U3",
              refStepId: 3,
              comment: "3V3 regulator out of tolerance",
            },
          ],
        },
      ],
      miscInfos: [],
    };
    storeReport(state, report, Buffer.byteLength(JSON.stringify(report)), "seed");
  }

  state.tickets.create(
    {
      subject: "3V3 rail out of tolerance on PWR-1000",
      priority: 2,
      assignee: "engineer1",
      tags: [{ key: "Product", value: "PWR-1000" }],
    },
    "simulator",
    iso(-3),
  );
  const solved = state.tickets.create(
    { subject: "Fixture FIX-001 pogo pins worn", priority: 1, assignee: "simulator" },
    "simulator",
    iso(-20),
  );
  state.tickets.update(
    { ticketId: solved.ticketId, status: 8, update: { content: "Pins replaced" } },
    "simulator",
    iso(-15),
  );

  // Added last, so that the random ids of everything seeded before stay as they were.
  state.software.addFiles(
    v1,
    [{ path: "bin/drivers/fixture.dll", data: seededBinary("fixture.dll", 1500) }],
    false,
    iso(-90),
  );
}

/**
 * Deterministic bytes for a seeded file that are not text: a DOS "MZ" header, NUL and 0xFF bytes
 * and byte sequences that are invalid UTF-8, so a download that decodes bytes as text is caught.
 */
function seededBinary(name: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set([0x4d, 0x5a, 0x90, 0x00, 0xff, 0xfe, 0xc3, 0x28]);
  let x = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  for (let i = 8; i < length; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
