import { WatsDecodeError, type XmlElement } from "@tswats/core";

/** One serial number `takeSerialNumbers` allocated. */
export interface TakenSerialNumber {
  serialNumber: string;
  /** When it was taken (ISO-8601), when the answer says. */
  takenDate?: string;
  refSN?: string;
  refPN?: string;
  stationName?: string;
}

/**
 * The serial numbers in an answer of `takeSerialNumbers` (`POST /api/Production/SerialNumbers/Take`):
 * its XML (`<SerialNumbers><SN id="..."/>...`, also `<SerialNumber>value</SerialNumber>`) or its
 * CSV (`format: "CSV"`, first column the serial number, a header line skipped). Also reads the
 * whole answer a WatsDecodeError keeps after a state-changing call, so numbers the server
 * allocated are not lost when the answer was not what the SDK expected.
 *
 * ```ts
 * const taken = serialNumbersOf(await wats.production.takeSerialNumbers({ serialNumberType: "MAC", quantity: 2 }));
 * ```
 */
export function serialNumbersOf(answer: XmlElement | string): TakenSerialNumber[] {
  if (typeof answer === "string")
    return answer.trimStart().startsWith("<") ? fromXmlText(answer) : fromCsv(answer);
  return fromXml(answer);
}

function fromXml(root: XmlElement): TakenSerialNumber[] {
  const taken: TakenSerialNumber[] = [];
  for (const element of root.children) {
    const local = element.name.slice(element.name.indexOf(":") + 1);
    let serialNumber: string | undefined;
    if (local === "SN") serialNumber = element.attributes.id;
    else if (local === "SerialNumber") serialNumber = element.text || element.attributes.value;
    if (serialNumber === undefined || serialNumber === "") continue;
    const { taken: takenDate, refSN, refPN, stationName } = element.attributes;
    taken.push({
      serialNumber,
      ...(takenDate !== undefined && takenDate !== "true" && takenDate !== "false" ? { takenDate } : {}),
      ...(refSN !== undefined ? { refSN } : {}),
      ...(refPN !== undefined ? { refPN } : {}),
      ...(stationName !== undefined ? { stationName } : {}),
    });
  }
  return taken;
}

function fromXmlText(text: string): TakenSerialNumber[] {
  // The numbers are all there is to recover: read the SN ids and SerialNumber values directly.
  const ids = [...text.matchAll(/<(?:\w+:)?SN\b[^>]*\bid="([^"]*)"/g)].map((m) => m[1] ?? "");
  const values = [...text.matchAll(/<(?:\w+:)?SerialNumber\b[^>]*>([^<]*)</g)].map((m) =>
    (m[1] ?? "").trim(),
  );
  return [...ids, ...values]
    .filter((sn) => sn !== "")
    .map((serialNumber) => ({ serialNumber: unescapeXml(serialNumber) }));
}

function fromCsv(text: string): TakenSerialNumber[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const taken: TakenSerialNumber[] = [];
  for (const [index, line] of lines.entries()) {
    const cells = line.split(/[;,]/).map((cell) => cell.trim());
    const serialNumber = cells[0] ?? "";
    if (index === 0 && serialNumber.toLowerCase() === "serialnumber") continue;
    if (serialNumber === "") {
      throw new WatsDecodeError(`serialNumbersOf: CSV line ${index + 1} has no serial number`, {
        body: text,
      });
    }
    const [, , takenDate, refSN, refPN, stationName] = cells;
    taken.push({
      serialNumber,
      ...(takenDate ? { takenDate } : {}),
      ...(refSN ? { refSN } : {}),
      ...(refPN ? { refPN } : {}),
      ...(stationName ? { stationName } : {}),
    });
  }
  return taken;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? "");
}
