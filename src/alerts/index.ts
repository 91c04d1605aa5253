/** Public surface of the alerts layer. */
export * from "./alerting.js";
export * from "./dispatch.js";
export * from "./model.js";
export * from "./redact.js";
export * from "./render-email.js";
export * from "./render-teams.js";
export * from "./render-webhook.js";
export * from "./sender.js";
export * from "./state.js";
export * from "./teams-sender.js";
export * from "./webhook-sender.js";
