/**
 * Out-of-sample scores of a model: accuracy and AUC for a direction (label > 0), and the information
 * coefficient (Spearman rank correlation of prediction and realised label) for any label. Rows where the
 * prediction or the label is NaN are left out.
 */

/** Fraction of rows where (score > threshold) agrees with (label > 0). */
export function accuracy(score: ArrayLike<number>, label: ArrayLike<number>, threshold = 0.5): number {
  let hit = 0;
  let count = 0;
  for (let i = 0; i < score.length; i++) {
    if (Number.isNaN(score[i]) || Number.isNaN(label[i])) continue;
    count++;
    if (score[i] > threshold === label[i] > 0) hit++;
  }
  return count ? hit / count : NaN;
}

/** Average ranks (1-based), ties sharing the mean of their ranks. */
export function ranks(values: readonly number[]): Float64Array {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]] = rank;
    i = j + 1;
  }
  return out;
}

/** Area under the ROC curve of `score` for the positives label > 0 (Mann-Whitney U, ties counted half). */
export function auc(score: ArrayLike<number>, label: ArrayLike<number>): number {
  const s: number[] = [];
  const positive: boolean[] = [];
  for (let i = 0; i < score.length; i++) {
    if (Number.isNaN(score[i]) || Number.isNaN(label[i])) continue;
    s.push(score[i]);
    positive.push(label[i] > 0);
  }
  const r = ranks(s);
  let sum = 0;
  let p = 0;
  for (let i = 0; i < s.length; i++) if (positive[i]) (sum += r[i]), p++;
  const q = s.length - p;
  if (p === 0 || q === 0) return NaN;
  return (sum - (p * (p + 1)) / 2) / (p * q);
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) (mx += x[i]), (my += y[i]);
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Information coefficient: Spearman rank correlation of prediction and label. */
export function informationCoefficient(score: ArrayLike<number>, label: ArrayLike<number>): number {
  const s: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < score.length; i++) {
    if (Number.isNaN(score[i]) || Number.isNaN(label[i])) continue;
    s.push(score[i]);
    l.push(label[i]);
  }
  return s.length > 2 ? pearson(ranks(s), ranks(l)) : NaN;
}
