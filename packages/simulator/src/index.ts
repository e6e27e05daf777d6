export type { Rights, TokenInfo, TokenSpec } from "./auth.js";
export { type Clock, systemClock } from "./clock.js";
export type { DownMode, DownOptions, FaultInfo, FaultMatch, FaultPath, FaultSpec, Faults } from "./faults.js";
export {
  compileFilter,
  compileOrderBy,
  type EntityModel,
  type FieldType,
  ODataBindError,
} from "./odata/evaluate.js";
export {
  type FilterExpression,
  ODataSyntaxError,
  type OrderByItem,
  parseFilter,
  parseOrderBy,
} from "./odata/parse.js";
export { type ODataOptions, ODataQueryError, runODataQuery } from "./odata/query.js";
export { Random } from "./random.js";
export type { RecordedRequest, RequestLog } from "./requests.js";
export { type ReportAccess, type Simulator, type SimulatorOptions, startSimulator } from "./simulator.js";
