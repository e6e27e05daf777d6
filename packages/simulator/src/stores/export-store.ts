/** Files produced by the export wizard (certificate exports), per user. */
import { notFound } from "../errors.js";

export interface ExportFile {
  fileName: string;
  user: string;
  created: string;
  contentType: string;
  data: Buffer;
}

export class ExportStore {
  readonly #files: ExportFile[] = [];

  add(file: ExportFile): void {
    this.#files.push(file);
  }

  list(user: string): ExportFile[] {
    return this.#files.filter((f) => f.user === user);
  }

  /** A user's file by name; other users' files are not found (as WATS documents). */
  require(user: string, fileName: string): ExportFile {
    const file = this.#files.find(
      (f) => f.user === user && f.fileName.toLowerCase() === fileName.toLowerCase(),
    );
    if (!file) throw notFound(`Export '${fileName}' was not found.`);
    return file;
  }
}
