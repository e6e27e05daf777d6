/** Processes (test/repair/WIP operations), levels (client groups) and clients (test stations). */
import type { Client } from "@tswats/system-manager";
import { badRequest, notFound } from "../errors.js";
import { isBlank, keyOf } from "./keys.js";

/** Item of `GET /api/App/Processes` (untyped in the spec). */
export interface Process {
  processId: string;
  code: number;
  name: string;
  description: string | null;
  isTestOperation: boolean;
  isRepairOperation: boolean;
  isWipOperation: boolean;
  isActive: boolean;
}

/** Item of `GET /api/App/Levels` (the generated `Level`, the spec leaves it untyped). */
export interface Level {
  levelId: number;
  name: string;
  parentId: number | null;
  /** Names from the top level down, joined with `/`. */
  path: string;
}

/** A client (test station) as `GET /api/SystemManager/Clients` lists it. */
export interface StoredClient extends Client {
  identifier: string;
  status: "Online" | "Offline";
  version: string;
  lastReport: string | null;
  pendingCount: number;
  log: string;
}

export class SystemStore {
  readonly processes: Process[] = [];
  readonly #levels: Level[] = [];
  readonly #clients: StoredClient[] = [];
  #nextLevelId = 1;

  process(codeOrName: number | string | null | undefined): Process | undefined {
    if (codeOrName === null || codeOrName === undefined || codeOrName === "") return undefined;
    const asNumber =
      typeof codeOrName === "number" ? codeOrName : /^\d+$/.test(codeOrName) ? Number(codeOrName) : NaN;
    return this.processes.find(
      (p) => p.code === asNumber || (typeof codeOrName === "string" && keyOf(p.name) === keyOf(codeOrName)),
    );
  }

  levels(): Level[] {
    return this.#levels;
  }

  level(id: number): Level | undefined {
    return this.#levels.find((l) => l.levelId === id);
  }

  /** The leaf level of a hierarchy (top level first), or undefined when any step is missing. */
  findHierarchy(names: readonly string[]): Level | undefined {
    let parent: Level | undefined;
    for (const name of names) {
      parent = this.#levels.find(
        (l) => keyOf(l.name) === keyOf(name) && l.parentId === (parent?.levelId ?? null),
      );
      if (!parent) return undefined;
    }
    return parent;
  }

  /** Creates the missing levels of a hierarchy and returns the leaf. */
  ensureHierarchy(names: readonly string[]): Level {
    if (names.length === 0 || names.some((n) => isBlank(n))) {
      throw badRequest("The hierarchy must be a non-empty list of level names, top level first.");
    }
    let parent: Level | undefined;
    for (const name of names) {
      const parentId: number | null = parent?.levelId ?? null;
      let level: Level | undefined = this.#levels.find(
        (l) => keyOf(l.name) === keyOf(name) && l.parentId === parentId,
      );
      if (!level) {
        level = {
          levelId: this.#nextLevelId++,
          name,
          parentId: parentId,
          path: parent ? `${parent.path}/${name}` : name,
        };
        this.#levels.push(level);
      }
      parent = level;
    }
    return parent as Level;
  }

  clients(): StoredClient[] {
    return this.#clients;
  }

  addClient(client: StoredClient): void {
    this.#clients.push(client);
  }

  findClient(name: string | undefined, identifier: string | undefined): StoredClient | undefined {
    if (isBlank(name) && isBlank(identifier)) {
      throw badRequest("Give the query parameter 'name' or 'identifier'.");
    }
    return this.#clients.find(
      (c) =>
        (isBlank(name) || keyOf(c.name) === keyOf(name)) &&
        (isBlank(identifier) || keyOf(c.identifier) === keyOf(identifier)),
    );
  }

  /** Updates displayName, location, purpose and clientGroupId of an existing client. */
  updateClient(input: Client): StoredClient {
    const client = this.#clients.find((c) => c.clientId === input.clientId);
    if (!client) throw notFound(`Client ${input.clientId} was not found.`);
    if (!isBlank(input.name) && keyOf(input.name) !== keyOf(client.name)) {
      throw badRequest("The client field 'name' cannot be changed.");
    }
    if (input.type !== undefined && input.type !== null && input.type !== client.type) {
      throw badRequest("The client field 'type' cannot be changed.");
    }
    if (
      input.clientGroupId !== undefined &&
      input.clientGroupId !== null &&
      !this.level(input.clientGroupId)
    ) {
      throw badRequest(`Level ${input.clientGroupId} (clientGroupId) does not exist.`);
    }
    client.displayName = input.displayName ?? client.displayName ?? null;
    client.location = input.location ?? client.location ?? null;
    client.purpose = input.purpose ?? client.purpose ?? null;
    client.clientGroupId = input.clientGroupId ?? client.clientGroupId ?? null;
    return client;
  }
}
