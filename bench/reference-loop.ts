/**
 * A plainly written reference: SMA(fast) vs SMA(slow) cross, long only, all equity, fills at the signal
 * bar's close, proportional fees: one fused loop, the JavaScript counterpart of BENCHMARK.md's numba loop.
 */
export function fusedSmaCross(close: Float64Array, fast: number, slow: number, feeRate: number, cash0: number): { finalValue: number; trades: number } {
  let cash = cash0;
  let units = 0;
  let trades = 0;
  let sumFast = 0;
  let sumSlow = 0;
  let prevFast = NaN;
  let prevSlow = NaN;
  for (let i = 0; i < close.length; i++) {
    const c = close[i];
    sumFast += c;
    sumSlow += c;
    if (i >= fast) sumFast -= close[i - fast];
    if (i >= slow) sumSlow -= close[i - slow];
    const f = i >= fast - 1 ? sumFast / fast : NaN;
    const s = i >= slow - 1 ? sumSlow / slow : NaN;
    if (units === 0 && prevFast <= prevSlow && f > s) {
      units = cash / (c * (1 + feeRate));
      cash -= units * c * (1 + feeRate);
    } else if (units > 0 && prevFast >= prevSlow && f < s) {
      cash += units * c * (1 - feeRate);
      units = 0;
      trades++;
    }
    prevFast = f;
    prevSlow = s;
  }
  return { finalValue: cash + units * close[close.length - 1], trades };
}
