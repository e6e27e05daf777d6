import { isWatsError } from "@tswats/core";
import { describe, expect, it } from "vitest";
import {
  getProcessesByCode,
  indexProcessesByCode,
  isProcessKind,
  type Process,
  ProductionInternalService,
} from "../src/internal.js";
import { RecordingTransport } from "./recording-transport.js";

const processes: Process[] = [
  { Code: 100, Name: "End of line test", IsTestOperation: true },
  { Code: 500, Name: "Repair", IsRepairOperation: true },
  { Code: 50, Name: "Assembly", IsWIPOperation: true, IsTestOperation: true },
];

describe("processes by code", () => {
  it("indexes by code in server order, optionally one kind only", () => {
    const all = indexProcessesByCode(processes);
    expect([...all.keys()]).toEqual([100, 500, 50]);
    expect(all.get(500)?.Name).toBe("Repair");
    expect([...indexProcessesByCode(processes, "test").keys()]).toEqual([100, 50]);
    expect([...indexProcessesByCode(processes, "wip").keys()]).toEqual([50]);
    expect(isProcessKind({ Code: 1, IsRepairOperation: null }, "repair")).toBe(false);
  });

  it("fails on a process without a code or a code used twice, naming them", () => {
    const failure = (list: Process[]) => {
      try {
        indexProcessesByCode(list);
      } catch (error) {
        expect(isWatsError(error)).toBe(true);
        return (error as Error).message;
      }
      return "no error";
    };
    expect(failure([...processes, { Name: "Nameless" }])).toMatch(/"Nameless" has no code/);
    expect(failure([...processes, { Code: 100, Name: "Other" }])).toMatch(
      /code 100 is used by both "End of line test" and "Other"/,
    );
  });

  it("reads the processes afresh with the internal GetProcesses operation on every call", async () => {
    const answers = [processes, [...processes, { Code: 200, Name: "New", IsTestOperation: true }]];
    const transport = new RecordingTransport(() => answers.shift());
    const service = new ProductionInternalService(transport);
    expect((await getProcessesByCode(service, { kind: "repair", timeoutMs: 1_000 })).size).toBe(1);
    expect((await getProcessesByCode(service)).get(200)?.Name).toBe("New");
    expect(transport.calls).toHaveLength(2);
    expect(transport.calls[0]?.op).toMatchObject({
      path: "/api/internal/Process/GetProcesses",
      internal: true,
    });
    // The kind filter is ours: it is not sent to the server.
    expect(transport.calls[0]?.options).toEqual({ timeoutMs: 1_000 });
  });
});
