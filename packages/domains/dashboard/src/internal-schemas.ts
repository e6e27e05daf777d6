// The zod schemas of the models (`<Model>Schema`) and of each operation (`operationSchemas`).
// Apart from the package's main entry, which loads no zod: the transport loads an operation's
// schemas itself when `validateResponses` is on.

export { operationSchemas } from "./generated/internal/operation-schemas.js";
export * from "./generated/internal/schemas.js";
