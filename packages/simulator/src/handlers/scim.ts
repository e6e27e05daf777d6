/** SCIM provisioning routes: users and the provisioning token. */
import { type HandlerTable, json } from "../handler.js";
import { scimError } from "../stores/user-store.js";

const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

export const scimHandlers: HandlerTable = {
  getJwt: (ctx) => {
    const duration = ctx.query.int("duration") ?? 90;
    if (duration < 1) throw scimError(400, "'duration' must be at least 1 day.");
    const expires = new Date(ctx.state.now() + duration * 86_400_000).toISOString();
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const token = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: ctx.auth.user, exp: Math.floor(Date.parse(expires) / 1000), iss: "tswats-simulator" })}.${Buffer.from(ctx.state.random.bytes(32)).toString("base64url")}`;
    return json({ token, expires });
  },

  getUsers: (ctx) => {
    const all = ctx.state.users.filter(ctx.query.string("filter"));
    const startIndex = Math.max(1, ctx.query.int("startIndex") ?? 1);
    const count = ctx.query.int("count") ?? all.length;
    const page = all.slice(startIndex - 1, startIndex - 1 + Math.max(0, count));
    return json({
      schemas: [LIST_SCHEMA],
      totalResults: all.length,
      startIndex,
      itemsPerPage: page.length,
      Resources: page.map((u) => ctx.state.users.toScim(u)),
    });
  },

  createUser: (ctx) => {
    const user = ctx.state.users.createFromScim(ctx.body as Record<string, unknown>, ctx.state.nowIso());
    return json(ctx.state.users.toScim(user), 201);
  },

  getUserWithId: (ctx) => json(ctx.state.users.toScim(ctx.state.users.requireId(ctx.params.id ?? ""))),

  getUser: (ctx) => {
    const user = ctx.state.users.byUserName(ctx.params.userName ?? "");
    if (!user) throw scimError(404, `User '${ctx.params.userName ?? ""}' was not found.`);
    return json(ctx.state.users.toScim(user));
  },

  deleteUser: (ctx) => {
    const user = ctx.state.users.requireId(ctx.params.id ?? "");
    ctx.state.users.delete(user);
    return json(ctx.state.users.toScim(user));
  },

  updateUser: (ctx) => {
    const user = ctx.state.users.requireId(ctx.params.id ?? "");
    ctx.state.users.patch(user, ctx.body as Record<string, unknown>, ctx.state.nowIso());
    return json(ctx.state.users.toScim(user));
  },
};
