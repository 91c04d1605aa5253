import { app } from "@azure/functions";
import { onNetworkEvent } from "./functions/on-network-event.js";
import { reconcilePoison } from "./functions/reconcile-poison.js";
import { reconcileVnet } from "./functions/reconcile-vnet.js";
import { resyncPoison } from "./functions/resync-poison.js";
import { resyncRun } from "./functions/resync-run.js";
import { resyncStatus } from "./functions/resync-status.js";
import { resync } from "./functions/resync.js";
import { RESYNC_QUEUE } from "./functions/runtime.js";
import { status } from "./functions/status.js";
import { sweep } from "./functions/sweep.js";
import { whatIf } from "./functions/what-if.js";

// Registration only. %NAME% is resolved by the host from the app settings (RECONCILE_QUEUE and
// SWEEP_SCHEDULE must therefore be set as app settings, not only left to their config defaults).
const connection = "AzureWebJobsStorage";

app.eventGrid("onNetworkEvent", { handler: (event, context) => onNetworkEvent(event, context) });
app.storageQueue("reconcileVnet", {
  queueName: "%RECONCILE_QUEUE%",
  connection,
  handler: (item, context) => reconcileVnet(item, context),
});
app.storageQueue("reconcilePoison", {
  queueName: "%RECONCILE_QUEUE%-poison",
  connection,
  handler: (item, context) => reconcilePoison(item, context),
});
app.timer("sweep", {
  schedule: "%SWEEP_SCHEDULE%",
  runOnStartup: false,
  handler: (timer, context) => sweep(timer, context),
});
app.http("resync", {
  methods: ["POST"],
  authLevel: "function",
  route: "resync",
  handler: (request, context) => resync(request, context),
});
app.http("resyncStatus", {
  methods: ["GET"],
  authLevel: "function",
  route: "resync/{runId}",
  handler: (request, context) => resyncStatus(request, context),
});
app.storageQueue("resyncRun", {
  queueName: RESYNC_QUEUE,
  connection,
  handler: (item, context) => resyncRun(item, context),
});
app.storageQueue("resyncPoison", {
  queueName: `${RESYNC_QUEUE}-poison`,
  connection,
  handler: (item, context) => resyncPoison(item, context),
});
app.http("status", {
  methods: ["GET"],
  authLevel: "function",
  route: "status",
  handler: (request, context) => status(request, context),
});
app.http("whatIf", {
  methods: ["POST"],
  authLevel: "function",
  route: "what-if",
  handler: (request, context) => whatIf(request, context),
});
