/**
 * Sums of the 2nd, 3rd and 4th powers of the deviations from `mean` over values[0..n), written to out[0],
 * out[1] and out[2]: the one pass behind every skewness and kurtosis (the metrics' and the overfitting
 * statistics'), with no allocation.
 */
export function centralPowerSums(values: ArrayLike<number>, n: number, mean: number, out: Float64Array): void {
  centralPowerSumsOver(values, 0, n, mean, out);
}

/** centralPowerSums over values[from..to). */
export function centralPowerSumsOver(values: ArrayLike<number>, from: number, to: number, mean: number, out: Float64Array): void {
  // Two sets of accumulators (even and odd indices): each sum's chain of dependent additions is halved, which
  // measured ~40% faster at 100,000 values; the sums then differ from one-by-one summation in the last bits.
  let a2 = 0;
  let a3 = 0;
  let a4 = 0;
  let b2 = 0;
  let b3 = 0;
  let b4 = 0;
  let i = from;
  for (; i + 1 < to; i += 2) {
    const d = values[i] - mean;
    const d2 = d * d;
    a2 += d2;
    a3 += d2 * d;
    a4 += d2 * d2;
    const e = values[i + 1] - mean;
    const e2 = e * e;
    b2 += e2;
    b3 += e2 * e;
    b4 += e2 * e2;
  }
  if (i < to) {
    const d = values[i] - mean;
    const d2 = d * d;
    a2 += d2;
    a3 += d2 * d;
    a4 += d2 * d2;
  }
  out[0] = a2 + b2;
  out[1] = a3 + b3;
  out[2] = a4 + b4;
}
