/**
 * `tswats-client service`: the generated systemd unit, launchd plist and WinSW definition, checked
 * by content; the plans (files and commands) of install/uninstall/status; `--dry-run` through the
 * CLI. Nothing is installed: plans are carried out only into a temp folder with a recording runner.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/run.js";
import { describePlan, detectServiceSystem, planService, runServicePlan } from "../src/service/plan.js";
import { clientScript } from "../src/service/service-command.js";
import {
  launchdPlist,
  type ServiceSpec,
  stopTimeoutSeconds,
  systemdUnit,
  winswXml,
} from "../src/service/units.js";
import { CANARY } from "./helpers/canary.js";
import { tempDir } from "./helpers/reports.js";

const spec: ServiceSpec = {
  name: "tswats-client",
  node: "/usr/bin/node",
  cli: "/opt/tswats/lib/node_modules/@tswats/client/bin/tswats-client.js",
  configPath: "/etc/tswats client/config.json",
  workingDirectory: "/etc/tswats client",
  user: "station",
  stopTimeoutSeconds: 12,
};

const options = { scope: "system" as const, home: "/home/station", uid: 1000 };

describe("systemd unit", () => {
  it("starts the daemon with the config, restarts on failure and waits the daemon's shutdown bound", () => {
    const unit = systemdUnit(spec, "system");
    expect(unit).toContain(
      'ExecStart="/usr/bin/node" "--optimize-for-size" "/opt/tswats/lib/node_modules/@tswats/client/bin/tswats-client.js" "start" "--config" "/etc/tswats client/config.json"',
    );
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^TimeoutStopSec=12s$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(unit).toMatch(/^User=station$/m);
    expect(unit).toMatch(/^WorkingDirectory=\/etc\/tswats client$/m);
    expect(unit).toMatch(/^WantedBy=multi-user.target$/m);
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    const user = systemdUnit(spec, "user");
    expect(user).not.toMatch(/^User=/m);
    expect(user).toMatch(/^WantedBy=default.target$/m);
  });

  it("the stop timeout is shutdownTimeoutMs + the 2 s slack, rounded up", () => {
    expect(stopTimeoutSeconds(10_000, 2_000)).toBe(12);
    expect(stopTimeoutSeconds(30_500, 2_000)).toBe(33);
  });

  it("escapes what systemd would expand, and refuses a line break", () => {
    const unit = systemdUnit({ ...spec, configPath: '/srv/100%/"q"/$HOME.json' }, "system");
    expect(unit).toContain('"/srv/100%%/\\"q\\"/$$HOME.json"');
    expect(() => systemdUnit({ ...spec, workingDirectory: "/a\nExecStartPre=/bin/evil" }, "system")).toThrow(
      /line break/,
    );
  });
});

describe("launchd and Windows", () => {
  it("the plist runs the daemon at load, keeps it alive after a failure and waits the shutdown bound", () => {
    const plist = launchdPlist({ ...spec, configPath: "/Users/a&b/config.json" });
    expect(plist).toContain("<string>com.tswats.tswats-client</string>");
    expect(plist).toContain("<string>/Users/a&amp;b/config.json</string>");
    expect(plist).toMatch(
      /<string>\/usr\/bin\/node<\/string>\s*<string>--optimize-for-size<\/string>\s*<string>\/opt\/tswats\//,
    );
    expect(plist).toMatch(/<key>SuccessfulExit<\/key>\s*<false\/>/);
    expect(plist).toMatch(/<key>ExitTimeOut<\/key>\s*<integer>12<\/integer>/);
    expect(plist).toMatch(/<key>RunAtLoad<\/key>\s*<true\/>/);
  });

  it("the WinSW definition runs node with the client, restarts on failure and waits the shutdown bound", () => {
    const xml = winswXml({
      ...spec,
      node: "C:\\Program Files\\nodejs\\node.exe",
      cli: "C:\\tswats\\node_modules\\@tswats\\client\\bin\\tswats-client.js",
      configPath: "C:\\ProgramData\\tswats-client\\config.json",
    });
    expect(xml).toContain("<executable>C:\\Program Files\\nodejs\\node.exe</executable>");
    expect(xml).toContain(
      "<arguments>--optimize-for-size C:\\tswats\\node_modules\\@tswats\\client\\bin\\tswats-client.js start --config C:\\ProgramData\\tswats-client\\config.json</arguments>",
    );
    expect(xml).toContain('<onfailure action="restart" delay="5 sec"/>');
    expect(xml).toContain("<stoptimeout>12 sec</stoptimeout>");
  });
});

describe("plans", () => {
  it("systemd: install writes the unit and enables it; uninstall disables, removes, reloads; status asks", () => {
    const install = planService("install", "systemd", spec, options);
    expect(install.files.map((f) => f.path)).toEqual(["/etc/systemd/system/tswats-client.service"]);
    expect(install.commands).toEqual([
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "tswats-client.service"],
    ]);
    const uninstall = planService("uninstall", "systemd", spec, { ...options, scope: "user" });
    expect(uninstall.commands).toEqual([
      ["systemctl", "--user", "disable", "--now", "tswats-client.service"],
    ]);
    expect(uninstall.remove).toEqual(["/home/station/.config/systemd/user/tswats-client.service"]);
    expect(uninstall.after).toEqual([["systemctl", "--user", "daemon-reload"]]);
    expect(planService("status", "systemd", spec, options).commands).toEqual([
      ["systemctl", "status", "--no-pager", "tswats-client.service"],
    ]);
  });

  it("launchd: a LaunchAgent for --user, a LaunchDaemon otherwise", () => {
    const agent = planService("install", "launchd", spec, { ...options, scope: "user" });
    expect(agent.files[0]?.path).toBe("/home/station/Library/LaunchAgents/com.tswats.tswats-client.plist");
    expect(agent.commands).toEqual([
      [
        "launchctl",
        "bootstrap",
        "gui/1000",
        "/home/station/Library/LaunchAgents/com.tswats.tswats-client.plist",
      ],
    ]);
    const daemon = planService("uninstall", "launchd", spec, options);
    expect(daemon.commands).toEqual([["launchctl", "bootout", "system/com.tswats.tswats-client"]]);
    expect(daemon.remove).toEqual(["/Library/LaunchDaemons/com.tswats.tswats-client.plist"]);
  });

  it("which service manager a machine has", () => {
    expect(detectServiceSystem("win32", () => false)).toBe("windows");
    expect(detectServiceSystem("darwin", () => false)).toBe("launchd");
    expect(detectServiceSystem("linux", (p) => p === "/run/systemd/system")).toBe("systemd");
    expect(detectServiceSystem("linux", () => false)).toBeUndefined();
  });

  describe("carried out into a temp folder with a recording runner", () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ dir, cleanup } = await tempDir("tswats-service-"));
    });
    afterAll(() => cleanup());

    it("windows install copies the wrapper and writes its definition, then installs and starts; a failing command stops the plan", () => {
      const wrapper = join(dir, "WinSW-x64.exe");
      writeFileSync(wrapper, "MZ fake wrapper");
      const local = { ...spec, workingDirectory: dir, configPath: join(dir, "config.json") };
      const ran: string[][] = [];
      const plan = planService("install", "windows", local, { ...options, wrapper });
      const record = (command: string[]) => {
        ran.push(command);
        return 0;
      };
      expect(runServicePlan(plan, record)).toBe(0);
      expect(readFileSync(join(dir, "tswats-client.exe"), "utf8")).toBe("MZ fake wrapper");
      expect(readFileSync(join(dir, "tswats-client.xml"), "utf8")).toContain("<id>tswats-client</id>");
      expect(ran).toEqual([
        [join(dir, "tswats-client.exe"), "install"],
        [join(dir, "tswats-client.exe"), "start"],
      ]);

      const uninstall = planService("uninstall", "windows", local, options);
      const stopped: string[][] = [];
      const failStop = (command: string[]) => {
        stopped.push(command);
        return command[1] === "stop" ? 1 : 0;
      };
      expect(runServicePlan(uninstall, failStop)).toBe(1);
      expect(stopped).toHaveLength(1);
      expect(existsSync(join(dir, "tswats-client.xml"))).toBe(true);
      expect(runServicePlan(uninstall, () => 0)).toBe(0);
      expect(existsSync(join(dir, "tswats-client.xml"))).toBe(false);
      expect(existsSync(join(dir, "tswats-client.exe"))).toBe(false);
    });
  });
});

describe("tswats-client service (CLI)", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let configPath: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir("tswats-service-cli-"));
    configPath = join(dir, "config.json");
    writeFileSync(
      configPath,
      JSON.stringify({ server: { baseUrl: "http://127.0.0.1:1", token: CANARY }, shutdownTimeoutMs: 25_000 }),
      { mode: 0o600 },
    );
  });
  afterAll(() => cleanup());

  const cli = async (args: string[]) => {
    let out = "";
    let err = "";
    const code = await runCli(args, {
      io: {
        out: (t) => {
          out += t;
        },
        err: (t) => {
          err += t;
        },
      },
      env: { HOME: dir },
      progress: false,
      readStdin: async () => "",
    });
    return { code, out, err };
  };

  it("install --dry-run prints the unit for this config (its shutdown bound, this client) and changes nothing", async () => {
    const { code, out } = await cli([
      "service",
      "install",
      "--dry-run",
      "--system",
      "systemd",
      "--user",
      "-c",
      configPath,
    ]);
    expect(code).toBe(0);
    expect(out).toContain(`# would write ${join(dir, ".config/systemd/user/tswats-client.service")}:`);
    expect(out).toMatch(/^TimeoutStopSec=27s$/m);
    expect(out).toContain(`"${clientScript()}" "start" "--config" "${configPath}"`);
    expect(out).toContain("# would run: systemctl --user enable --now tswats-client.service");
    expect(out).not.toContain(CANARY);
    expect(existsSync(join(dir, ".config"))).toBe(false);
    expect(describePlan(planService("status", "systemd", spec, options))).toBe(
      "# would run: systemctl status --no-pager tswats-client.service\n",
    );
  });

  it("usage errors: an unknown action or system, a bad name; a bad config is a config error", async () => {
    expect((await cli(["service", "restart"])).code).toBe(2);
    expect((await cli(["service", "status", "--system", "upstart", "--dry-run"])).code).toBe(2);
    expect(
      (await cli(["service", "status", "--system", "systemd", "--name", "../x", "--dry-run"])).code,
    ).toBe(2);
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ server: { baseUrl: "ftp://x" } }), { mode: 0o600 });
    const bad = await cli([
      "service",
      "install",
      "--dry-run",
      "--system",
      "systemd",
      "-c",
      join(dir, "bad.json"),
    ]);
    expect(bad.code).toBe(3);
    expect(bad.err).toContain("server.baseUrl");
    const windows = await cli(["service", "install", "--system", "windows", "-c", configPath]);
    expect(windows.code).toBe(2);
    expect(windows.err).toContain("--wrapper");
  });
});
