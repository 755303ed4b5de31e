/** One measured claim: Sada's figure beside a baseline measured in the same run. */
export interface BenchResult {
  name: string;
  baseline: number;
  ours: number;
  unit: string;
  /** How Sada compares with the baseline, oriented so that the goal reads naturally (see `goal`). */
  ratio: number;
  goal?: string;
  notes?: string;
}
