export {
  buildStatusReport,
  HEALTH_LABEL,
  HEALTH_ORDER,
  pairKey,
  SERVICE_LABEL,
  type BlockedSpoke,
  type EdgeHealth,
  type HubServices,
  type SharedService,
  type StatusAction,
  type StatusEdge,
  type StatusInput,
  type StatusPeering,
  type StatusProblem,
  type StatusReport,
  type StatusRun,
  type StatusSkip,
  type StatusSubscription,
  type StatusSummary,
  type StatusVnet,
} from "./model.js";
export { layoutTopology, type Layout, type NodePlacement, type SectorPlacement } from "./layout.js";
export { esc, renderStatusPage, STATUS_PAGE_CSP, type RenderOptions } from "./render.js";
