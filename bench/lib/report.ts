/** One line of the final JSON object (null where a figure does not apply). */
export interface ScenarioResult {
  name: string;
  seconds: number | null;
  emulatedSeconds: number | null;
  baselineSeconds: number | null;
  speedupVsBaseline: number | null;
  lowerBoundSeconds: number | null;
  ratioToLowerBound: number | null;
  reads: number | null;
  writes: number | null;
  writesNeeded: number | null;
  throttled: number | null;
  busy: number | null;
  failures: number | null;
  peakRssMb: number | null;
}

export const emptyResult = (name: string): ScenarioResult => ({
  name,
  seconds: null,
  emulatedSeconds: null,
  baselineSeconds: null,
  speedupVsBaseline: null,
  lowerBoundSeconds: null,
  ratioToLowerBound: null,
  reads: null,
  writes: null,
  writesNeeded: null,
  throttled: null,
  busy: null,
  failures: null,
  peakRssMb: null,
});

/** A plain text table: a header row and aligned columns. */
export function table(title: string, rows: [string, string | number | null][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v === null ? "-" : String(v)}`);
  return [`\n== ${title}`, ...lines].join("\n");
}
