/**
 * The alert model: what one reconcile run (or one failed message) has to tell a human, in four
 * modules along the seams of its tests: the types (types.ts), one item per action (items.ts), one
 * digest per run (digest.ts), and the failures that have no run report (failures.ts).
 */
export * from "./types.js";
export * from "./items.js";
export * from "./digest.js";
export * from "./failures.js";
