/**
 * One row of the benchmark table. Every speed figure is a ratio against a reference measured
 * in the same run (never an absolute time compared with a constant), so rows stay meaningful
 * on any machine.
 */
export interface BenchRow {
  /** What was measured, e.g. 'ResNet-50 (100 MB): read+parse+infer+count vs ORT InferenceSession.create'. */
  name: string;
  /** Measured value and unit as printed, e.g. '412 ms'. */
  measured: string;
  /** The reference it is compared with, e.g. 'ORT create 1210 ms'. */
  reference: string;
  /** measured / reference (or the figure the goal is stated in). */
  ratio: number;
  /** The goal, e.g. '≤ 0.5×'. */
  goal: string;
  pass: boolean;
}

/** Each `bench/*.bench.ts` exports `run`, which bench/run.ts calls in turn. */
export type BenchModule = { run(): Promise<BenchRow[]> };
