/**
 * Step attachments in TestStand reports written with the WATS add-on:
 * - `XMLString`: an XML document stored in the result; attached as `stepdata.xml` (text/xml).
 * - `AttachedFileData` (FullFileName, FileName, MIMEtype): a file on the test station that the
 *   report only names. Its bytes are not in the report, so it is attached only when the
 *   converter is allowed to read station files (parameter `attachFiles`); otherwise, or when the
 *   file is gone or too large, the step says so in a warning.
 */
import { readFileSync, statSync } from "node:fs";
import type { AttachmentInput } from "@tswats/report";
import type { Prop } from "./props.js";

/** Attachments above this size are not read (pyWATS's cap; WATS's C# client warns above 100 KB). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export interface MappedAttachment {
  attachment?: AttachmentInput;
  notes: string[];
}

export function mapAttachment(result: Prop, attachFiles: boolean): MappedAttachment {
  const notes: string[] = [];
  const xml = result.get("XMLString");
  const file = result.get("AttachedFileData");
  let attachment: AttachmentInput | undefined;
  if (xml !== undefined) {
    const text = xml.valueText() ?? "";
    if (text.trim() !== "") attachment = { name: "stepdata.xml", contentType: "text/xml", data: text };
  }
  if (file !== undefined) {
    const fullName = file.nonEmpty("FullFileName");
    const name = file.nonEmpty("FileName") ?? fullName?.split(/[\\/]/).pop() ?? "attachment";
    const mime = file.nonEmpty("MIMEtype") ?? file.nonEmpty("MimeType") ?? "application/octet-stream";
    if (fullName === undefined) {
      if (name !== "attachment") notes.push(`attached file "${name}" has no FullFileName; not attached`);
    } else if (attachment !== undefined) {
      notes.push(
        `attached file ${fullName} not attached: the step already carries its XMLString (one attachment per step)`,
      );
    } else if (!attachFiles) {
      notes.push(
        `attached file ${fullName} is not in the report (only its name is); not attached (set the parameter "attachFiles" to read it from this station)`,
      );
    } else {
      try {
        const size = statSync(fullName).size;
        if (size > MAX_ATTACHMENT_BYTES)
          notes.push(
            `attached file ${fullName} is ${size} bytes, more than ${MAX_ATTACHMENT_BYTES}; not attached`,
          );
        else attachment = { name, contentType: mime, data: readFileSync(fullName) };
      } catch (error) {
        notes.push(
          `attached file ${fullName} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); not attached`,
        );
      }
    }
  }
  return { ...(attachment ? { attachment } : {}), notes };
}
