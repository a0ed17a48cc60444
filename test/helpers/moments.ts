/**
 * The mean (0 for no values) and the sums of the 2nd, 3rd and 4th powers of the deviations from it, one value
 * at a time: the plain reference the blocked and paired moment code is checked against.
 */
export function oneByOneMoments(values: readonly number[]): { mean: number; m2: number; m3: number; m4: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of values) {
    m2 += (v - mean) ** 2;
    m3 += (v - mean) ** 3;
    m4 += (v - mean) ** 4;
  }
  return { mean, m2, m3, m4 };
}
