/**
 * A Monte Carlo pool worker: it runs one slice of the study's paths with the same monteCarlo as one thread
 * (path i draws from pathSeed(seed, i) wherever it runs). The result comes back by structured clone: its
 * per-path columns are a few MB at most, copied in milliseconds.
 */
import { monteCarlo, type MonteCarloOptions, type MonteCarloResult } from './montecarlo.js';

export default function runSlice(options: MonteCarloOptions): MonteCarloResult {
  return monteCarlo(options);
}
