/** z for a two-sided 95% interval: the 97.5% point of the standard normal. */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion (Wilson 1927): unlike the normal (Wald) interval it
 * stays inside [0, 1] and is not empty when no path or every path is ruined.
 */
export function wilsonInterval(successes: number, trials: number, z = Z95): [number, number] {
  if (!(trials > 0)) throw new RangeError('wilsonInterval needs at least one trial.');
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Probability of ruin: the share of paths whose equity fell to `level` x initial equity at any step. */
export interface RuinSummary {
  /** The ruin level as a fraction of initial equity (0.5: equity halved). */
  level: number;
  /** Paths ruined. */
  ruined: number;
  /** Paths run. */
  runs: number;
  /** ruined / runs. */
  probability: number;
  /** Wilson 95% confidence interval of the probability. */
  ci95: [number, number];
}

/** Summarize ruin flags (1 = ruined) of every path. */
export function summarizeRuin(flags: Uint8Array, level: number): RuinSummary {
  let ruined = 0;
  for (let i = 0; i < flags.length; i++) ruined += flags[i];
  return { level, ruined, runs: flags.length, probability: ruined / flags.length, ci95: wilsonInterval(ruined, flags.length) };
}
