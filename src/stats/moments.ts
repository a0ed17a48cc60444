/**
 * Sums of the 2nd, 3rd and 4th powers of the deviations from `mean` over values[0..n), written to out[0],
 * out[1] and out[2]: the one pass behind every skewness and kurtosis (the metrics' and the overfitting
 * statistics'), with no allocation.
 */
export function centralPowerSums(values: ArrayLike<number>, n: number, mean: number, out: Float64Array): void {
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  out[0] = m2;
  out[1] = m3;
  out[2] = m4;
}
