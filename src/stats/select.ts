/**
 * Selection: order statistics without a full sort (O(n) expected), shared by the data-quality checks and
 * the metrics. Pure, no dependencies.
 */

/**
 * Reorders `values[left..right]` so that `values[k]` holds the value a full ascending sort would put
 * there, everything before it is <= and everything after it >= (Floyd–Rivest selection, O(n) expected).
 * Values must not be NaN.
 */
export function selectInPlace(values: Float64Array, k: number, left = 0, right = values.length - 1): void {
  while (right > left) {
    if (right - left > 600) {
      // Recurse on a small sample around k to pick a pivot that lands close to rank k.
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      selectInPlace(values, k, newLeft, newRight);
    }
    const pivot = values[k];
    let i = left;
    let j = right;
    swap(values, left, k);
    if (values[right] > pivot) swap(values, left, right);
    while (i < j) {
      swap(values, i, j);
      i++;
      j--;
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
    }
    if (values[left] === pivot) swap(values, left, j);
    else {
      j++;
      swap(values, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(values: Float64Array, i: number, j: number): void {
  const t = values[i];
  values[i] = values[j];
  values[j] = t;
}

/**
 * The median of `values` (the mean of the two middle values for an even count), equal to the one a full
 * sort gives. Reorders `values`: pass a copy you do not need. NaN for no values; values must not be NaN.
 */
export function medianInPlace(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  selectInPlace(values, mid);
  if (n % 2 === 1) return values[mid];
  // Everything before `mid` is <= values[mid]: the lower middle value is their maximum.
  let lower = values[0];
  for (let i = 1; i < mid; i++) if (values[i] > lower) lower = values[i];
  return (lower + values[mid]) / 2;
}
