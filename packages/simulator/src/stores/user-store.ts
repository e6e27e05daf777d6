/** Users: the SCIM provisioning view and the common user settings. */
import { HttpError } from "../errors.js";
import type { Random } from "../random.js";
import { isBlank, keyOf } from "./keys.js";

export interface StoredUser {
  id: string;
  userName: string;
  givenName: string | null;
  familyName: string | null;
  fullName: string | null;
  email: string | null;
  active: boolean;
  roles: string[];
  levels: string[];
  productGroups: string[];
  cultureCode: string;
  created: string;
  lastModified: string;
}

export const ROLES = ["Administrator", "Operator", "Engineer", "Viewer"];
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

/** A SCIM error (RFC 7644 §3.12) that also carries the WATS `Message` key. */
export function scimError(status: number, detail: string): HttpError {
  return new HttpError(status, detail, {
    extra: { schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail },
  });
}

export class UserStore {
  readonly #users: StoredUser[] = [];
  readonly #random: Random;

  constructor(random: Random) {
    this.#random = random;
  }

  list(): StoredUser[] {
    return this.#users;
  }

  byId(id: string): StoredUser | undefined {
    return this.#users.find((u) => keyOf(u.id) === keyOf(id));
  }

  byUserName(userName: string): StoredUser | undefined {
    return this.#users.find((u) => keyOf(u.userName) === keyOf(userName));
  }

  requireId(id: string): StoredUser {
    const user = this.byId(id);
    if (!user) throw scimError(404, `User '${id}' was not found.`);
    return user;
  }

  add(fields: Omit<StoredUser, "id" | "created" | "lastModified">, now: string): StoredUser {
    const user = { id: this.#random.uuid(), created: now, lastModified: now, ...fields };
    this.#users.push(user);
    return user;
  }

  /** Creates a user from a SCIM User resource. */
  createFromScim(resource: Record<string, unknown>, now: string): StoredUser {
    const userName = resource.userName;
    if (typeof userName !== "string" || userName === "")
      throw scimError(400, "The attribute 'userName' is required.");
    if (this.byUserName(userName)) throw scimError(409, `A user named '${userName}' already exists.`);
    const name = (resource.name ?? {}) as Record<string, unknown>;
    const emails = Array.isArray(resource.emails) ? (resource.emails as Record<string, unknown>[]) : [];
    const str = (v: unknown) => (typeof v === "string" ? v : null);
    return this.add(
      {
        userName,
        givenName: str(name.givenName),
        familyName: str(name.familyName),
        fullName: str(name.formatted) ?? str(resource.displayName),
        email: str(emails.find((e) => e.primary === true)?.value ?? emails[0]?.value),
        active: resource.active !== false,
        roles: [],
        levels: [],
        productGroups: [],
        cultureCode: "en-US",
      },
      now,
    );
  }

  /** Applies a SCIM PatchOp (only `replace`, on the paths WATS documents). */
  patch(user: StoredUser, body: Record<string, unknown>, now: string): void {
    const schemas = body.schemas;
    if (!Array.isArray(schemas) || !schemas.includes(PATCH_SCHEMA)) {
      throw scimError(400, `The body must be a SCIM PatchOp with schemas ["${PATCH_SCHEMA}"].`);
    }
    const operations = body.Operations ?? body.operations;
    if (!Array.isArray(operations) || operations.length === 0) {
      throw scimError(400, "The PatchOp has no 'Operations'.");
    }
    for (const [i, raw] of operations.entries()) {
      const op = raw as Record<string, unknown>;
      if (typeof op.op !== "string" || op.op.toLowerCase() !== "replace") {
        throw scimError(
          400,
          `Operations[${i}]: only the 'replace' operation is supported, not '${String(op.op)}'.`,
        );
      }
      const path = typeof op.path === "string" ? op.path : "";
      const value = op.value;
      const text = () => {
        if (typeof value !== "string")
          throw scimError(400, `Operations[${i}]: '${path}' takes a string value.`);
        return value;
      };
      switch (path.toLowerCase()) {
        case "fullname":
          user.fullName = text();
          break;
        case "familyname":
          user.familyName = text();
          break;
        case "givenname":
          user.givenName = text();
          break;
        case "email":
          user.email = text();
          break;
        case "roles": {
          const role = ROLES.find((r) => keyOf(r) === keyOf(text()));
          if (!role) throw scimError(400, `Operations[${i}]: role '${String(value)}' does not exist.`);
          user.roles = [role];
          break;
        }
        case "active":
          if (typeof value !== "boolean")
            throw scimError(400, `Operations[${i}]: 'active' takes a boolean value.`);
          user.active = value;
          break;
        case "levels":
        case "productgroups": {
          const key = path.toLowerCase() === "levels" ? "levels" : "productGroups";
          for (const item of text()
            .split(";")
            .map((s) => s.trim())) {
            if (item !== "" && !user[key].some((v) => keyOf(v) === keyOf(item))) user[key].push(item);
          }
          break;
        }
        default:
          throw scimError(400, `Operations[${i}]: the path '${path}' cannot be replaced.`);
      }
    }
    user.lastModified = now;
  }

  delete(user: StoredUser): void {
    this.#users.splice(this.#users.indexOf(user), 1);
  }

  /** The SCIM User resource of a user. */
  toScim(user: StoredUser): Record<string, unknown> {
    return {
      schemas: [USER_SCHEMA],
      id: user.id,
      userName: user.userName,
      name: { givenName: user.givenName, familyName: user.familyName, formatted: user.fullName },
      displayName: user.fullName,
      emails: user.email ? [{ value: user.email, primary: true }] : [],
      active: user.active,
      roles: user.roles.map((value) => ({ value })),
      meta: { resourceType: "User", created: user.created, lastModified: user.lastModified },
    };
  }

  /**
   * Users matching a SCIM filter; only `<attribute> eq "<value>"` (userName, id, active,
   * emails.value) is supported, anything else is a 400.
   */
  filter(expression: string | undefined): StoredUser[] {
    if (isBlank(expression)) return this.#users;
    const m = /^\s*([A-Za-z.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(expression);
    if (!m) throw scimError(400, `Unsupported filter '${expression}'; use: <attribute> eq "<value>".`);
    const attribute = (m[1] as string).toLowerCase();
    const value = (m[2] as string).replace(/\\(.)/g, "$1");
    const pick: Record<string, (u: StoredUser) => string | null> = {
      username: (u) => u.userName,
      id: (u) => u.id,
      active: (u) => String(u.active),
      "emails.value": (u) => u.email,
    };
    const get = pick[attribute];
    if (!get) throw scimError(400, `Filtering on '${m[1]}' is not supported.`);
    return this.#users.filter((u) => keyOf(get(u)) === keyOf(value));
  }
}
