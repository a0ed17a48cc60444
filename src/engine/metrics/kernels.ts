/**
 * The pass over equity of computeMetrics, in a small function of its own so that V8 optimizes the loop on
 * its own; no allocation per element. The division per bar bounds its speed, so the returns are stored as
 * they are computed (the store overlaps the division) and the second pass reads them instead of dividing again.
 */

/** Slots of the Float64Array that equityPass fills. */
export const EQ_RETURN_SUM = 0;
export const EQ_DOWNSIDE_SQUARES = 1;
export const EQ_MAX_DRAWDOWN = 2;
export const EQ_EPISODES = 3;
export const EQ_DEPTH_SUM = 4;
export const EQ_LONGEST_BARS = 5;
export const EQ_LONGEST_MS = 6;
export const EQ_SLOTS = 7;

/**
 * One read of equity (n >= 1):
 * - writes the n - 1 per-bar simple returns r[i - 1] = equity[i] / equity[i - 1] - 1 into `returns`
 *   (0 when equity[i - 1] is not positive: no capital, no return), their sum, and sum(min(r - target, 0)^2).
 *   A NaN or infinite equity value after the first makes the sum NaN or infinite;
 * - finds the drawdown episodes. An episode starts at a peak (a bar at or above every earlier bar) that a
 *   later bar falls below, and ends at the first bar back at or above that peak, or runs to the last bar.
 *   Its depth is 1 - trough / peak (0 when the peak is not positive); its duration counts from the peak bar
 *   to the recovery bar (or the last bar), in bars and in ms of `time`.
 * Scalar results go to `out` (EQ_* slots).
 */
export function equityPass(equity: Float64Array, time: Float64Array, target: number, returns: Float64Array, out: Float64Array): Float64Array {
  const n = equity.length;
  let sum = 0;
  let squares = 0;
  let max = 0;
  let episodes = 0;
  let depthSum = 0;
  let longestBars = 0;
  let longestMs = 0;
  let previous = equity[0];
  let peak = previous;
  let peakBar = 0;
  let trough = previous; // trough < peak: the current peak has been left
  for (let i = 1; i < n; i++) {
    const value = equity[i];
    // value - value is 0, or NaN for a non-finite value, which then shows in the sum.
    const r = previous > 0 ? value / previous - 1 : value - value;
    previous = value;
    returns[i - 1] = r;
    sum += r;
    // min(r - target, 0) without a branch: the sign of a return is random, so a branch (or Math.min, which
    // V8 compiles to one) mispredicts on every other bar of a real equity curve (measured 3x slower).
    const excess = r - target;
    const shortfall = (excess - Math.abs(excess)) * 0.5;
    squares += shortfall * shortfall;
    trough = Math.min(trough, value); // branch-free: measured faster and steadier than a branch
    if (value >= peak) {
      if (trough < peak) {
        // An episode ends at i, the first bar back at or above its peak.
        const depth = peak > 0 ? 1 - trough / peak : 0;
        episodes++;
        depthSum += depth;
        if (depth > max) max = depth;
        if (i - peakBar > longestBars) longestBars = i - peakBar;
        if (time[i] - time[peakBar] > longestMs) longestMs = time[i] - time[peakBar];
      }
      peak = value;
      trough = value;
      peakBar = i;
    }
  }
  if (trough < peak) {
    // Not recovered by the last bar: the episode runs to the end.
    const depth = peak > 0 ? 1 - trough / peak : 0;
    episodes++;
    depthSum += depth;
    if (depth > max) max = depth;
    if (n - 1 - peakBar > longestBars) longestBars = n - 1 - peakBar;
    if (time[n - 1] - time[peakBar] > longestMs) longestMs = time[n - 1] - time[peakBar];
  }
  out[EQ_RETURN_SUM] = sum;
  out[EQ_DOWNSIDE_SQUARES] = squares;
  out[EQ_MAX_DRAWDOWN] = max;
  out[EQ_EPISODES] = episodes;
  out[EQ_DEPTH_SUM] = depthSum;
  out[EQ_LONGEST_BARS] = longestBars;
  out[EQ_LONGEST_MS] = longestMs;
  return out;
}
