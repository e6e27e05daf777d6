/**
 * Serial numbers: the serial number types on the server (the SDK's production domain), taking
 * numbers of a type into the station's local reserve, and handing out the next reserved number.
 * The reserve is `<queue>/console/serial-reserve.json` (written whole to a temp file, renamed).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { serialNumbersOf } from "@tswats/sdk";
import type { ConsoleDeps, ConsoleRoute } from "../context.js";
import { field } from "../context.js";
import { type Html, html, notice, table } from "../html.js";
import { withWats } from "../wats-session.js";

export interface ReservedNumber {
  serialNumber: string;
  takenAt: string;
}

export type SerialReserve = Record<string, ReservedNumber[]>;

const reservePath = (deps: ConsoleDeps) => join(deps.dataFolder, "serial-reserve.json");

export async function readReserve(deps: ConsoleDeps): Promise<SerialReserve> {
  try {
    return JSON.parse(await readFile(reservePath(deps), "utf8")) as SerialReserve;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new Error(
      `the serial-number reserve ${reservePath(deps)} cannot be read: ${(error as Error).message}`,
    );
  }
}

async function writeReserve(deps: ConsoleDeps, reserve: SerialReserve): Promise<void> {
  await mkdir(deps.dataFolder, { recursive: true });
  const tmp = `${reservePath(deps)}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify(reserve, null, 2)}\n`, { flag: "wx" });
  await rename(tmp, reservePath(deps));
}

/** One change of the reserve at a time (two clicks must not lose numbers). */
let reserveLock: Promise<unknown> = Promise.resolve();
function changeReserve<T>(deps: ConsoleDeps, change: (reserve: SerialReserve) => T): Promise<T> {
  const run = reserveLock.then(async () => {
    const reserve = await readReserve(deps);
    const result = change(reserve);
    await writeReserve(deps, reserve);
    return result;
  });
  reserveLock = run.catch(() => undefined);
  return run;
}

function reserveTable(reserve: SerialReserve): Html {
  const types = Object.keys(reserve).sort();
  return table(
    ["type", "reserved", "next", ""],
    types.map((type) => {
      const numbers = reserve[type] ?? [];
      return [
        html`${type}`,
        html`<strong data-testid="reserve-${type}">${numbers.length}</strong>`,
        html`<code>${numbers
          .slice(0, 5)
          .map((n) => n.serialNumber)
          .join(", ")}${numbers.length > 5 ? " …" : ""}</code>`,
        html`<button class="secondary" hx-post="/console/serials/use" hx-vals='${JSON.stringify({ type })}' hx-target="#serials" ${numbers.length === 0 ? html`disabled` : ""}>Use next</button>`,
      ];
    }),
    "the local reserve is empty",
  );
}

async function serialsBody(deps: ConsoleDeps, message?: Html): Promise<Html> {
  let types: { name?: string | null; description?: string | null; format?: string | null }[] = [];
  let typeError: Html | undefined;
  try {
    types = await withWats(deps, (wats) => wats.production.getSerialNumberTypes());
  } catch (error) {
    typeError = notice(false, `cannot read the serial number types: ${(error as Error).message}`);
  }
  return html`${message ?? ""}${typeError ?? ""}
<div class="grid">
<form class="card" hx-post="/console/serials/take" hx-target="#serials">
<h2>Take numbers from WATS</h2>
<label for="sn-type">Type</label>
<select id="sn-type" name="type">${types.map((t) => html`<option value="${t.name}">${t.name}${t.description ? ` – ${t.description}` : ""}</option>`)}</select>
<label for="sn-quantity">How many (1–1000)</label>
<input type="number" id="sn-quantity" name="quantity" value="10" min="1" max="1000">
<div class="row"><button>Take into the reserve</button></div>
</form>
<section class="card"><h2>Types on the server</h2>
${table(
  ["name", "format"],
  types.map((t) => [html`${t.name}`, html`<code>${t.format ?? ""}</code>`]),
  "none",
)}
</section>
</div>
<h2>Local reserve</h2>
${reserveTable(await readReserve(deps))}`;
}

export const serialRoutes: ConsoleRoute[] = [
  {
    method: "GET",
    path: "/console/serials",
    async run({ deps }) {
      return {
        page: { title: "Serial numbers", body: html`<div id="serials">${await serialsBody(deps)}</div>` },
      };
    },
  },
  {
    method: "POST",
    path: "/console/serials/take",
    async run({ deps, form }) {
      const type = field(form, "type").trim();
      const quantity = Number(field(form, "quantity"));
      if (!type)
        return { fragment: await serialsBody(deps, notice(false, "type: choose a serial number type")) };
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000)
        return {
          fragment: await serialsBody(deps, notice(false, "quantity: a whole number from 1 to 1000")),
        };
      const answer = await withWats(deps, (wats) =>
        wats.production.takeSerialNumbers({
          serialNumberType: type,
          quantity,
          ...(deps.config.server.station !== undefined ? { stationName: deps.config.server.station } : {}),
        }),
      );
      const taken = serialNumbersOf(answer);
      const takenAt = new Date().toISOString();
      await changeReserve(deps, (reserve) => {
        reserve[type] = [
          ...(reserve[type] ?? []),
          ...taken.map((t) => ({ serialNumber: t.serialNumber, takenAt })),
        ];
      });
      deps.logger.info({ type, taken: taken.length }, "console: serial numbers taken into the reserve");
      const message =
        taken.length < quantity
          ? notice(
              false,
              `took ${taken.length} of ${quantity} ${type} number(s): the server had no more free`,
            )
          : notice(
              true,
              `took ${taken.length} ${type} number(s): ${taken.map((t) => t.serialNumber).join(", ")}`,
            );
      return { fragment: await serialsBody(deps, message) };
    },
  },
  {
    method: "POST",
    path: "/console/serials/use",
    async run({ deps, form }) {
      const type = field(form, "type");
      const next = await changeReserve(deps, (reserve) => reserve[type]?.shift());
      deps.logger.info({ type, serialNumber: next?.serialNumber }, "console: serial number handed out");
      return {
        fragment: await serialsBody(
          deps,
          next
            ? notice(
                true,
                html`next ${type}: <strong data-testid="used-serial">${next.serialNumber}</strong>`,
              )
            : notice(false, `no ${type} number in the reserve`),
        ),
      };
    },
  },
];
