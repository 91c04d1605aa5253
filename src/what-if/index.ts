export { analyseWhatIf, type WhatIfInput } from "./analyse.js";
export { writeLowerBoundSeconds, ARM_WRITE_BUCKET, PEERING_PUT_SECONDS } from "./estimate.js";
export {
  checkPrefixList,
  checkVnetId,
  parseArmWhatIf,
  parseTerraformPlan,
  parseWhatIfBody,
  resolveChange,
  WhatIfInputError,
  type ParsedRequests,
} from "./input.js";
export { readWhatIfTopology } from "./read.js";
export { toMarkdown, toText } from "./render.js";
export { exitCodeOf, runWhatIf } from "./run.js";
export type * from "./types.js";
