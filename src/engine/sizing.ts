/** Position sizing formulas and the engine-internal ATR used by ATR stops. */

/**
 * Units bought (or sold short) with `budget` of cash, fees included, at fill price `price`:
 * (budget - fixedFee) / (price x (1 + feeRate)), so that units x price + fee = budget exactly.
 */
export function unitsForBudget(budget: number, price: number, feeRate: number, fixedFee: number): number {
  return (budget - fixedFee) / (price * (1 + feeRate));
}

/** Rounds units down to a multiple of lotSize (lotSize 0 = fractional units, unchanged). */
export function roundToLot(units: number, lotSize: number): number {
  return lotSize > 0 ? Math.floor(units / lotSize) * lotSize : units;
}

/**
 * Realized annualized volatility of close-to-close simple returns over the `lookback` returns ending at bar
 * `end` (returns end-lookback+1 .. end, so closes end-lookback .. end: no bar after `end` is read):
 * sample standard deviation (n - 1) x sqrt(periodsPerYear). NaN when there is not enough history.
 */
export function realizedAnnualVol(close: Float64Array, end: number, lookback: number, periodsPerYear: number): number {
  if (end - lookback < 0) return NaN;
  let mean = 0;
  for (let i = end - lookback + 1; i <= end; i++) mean += close[i] / close[i - 1] - 1;
  mean /= lookback;
  let ss = 0;
  for (let i = end - lookback + 1; i <= end; i++) {
    const d = close[i] / close[i - 1] - 1 - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / (lookback - 1)) * Math.sqrt(periodsPerYear);
}

/** Fraction of equity for a volatility target: min(leverage, annualVol / realized); NaN without enough history. */
export function volTargetFraction(realized: number, annualVol: number, leverage: number): number {
  if (Number.isNaN(realized)) return NaN;
  if (realized === 0) return leverage;
  return Math.min(leverage, annualVol / realized);
}

/**
 * Fractional Kelly from closed-trade statistics: W = wins / closed, R = mean winning return / mean losing
 * return (absolute), f = W - (1 - W) / R; result = clamp(scale x f, 0, leverage).
 * Breakeven trades count in `closed` only. With no losing trade f = W; with no winning trade f = 0.
 */
export function kellyFraction(
  closed: number,
  wins: number,
  sumWinReturn: number,
  losses: number,
  sumLossReturn: number,
  scale: number,
  leverage: number,
): number {
  if (closed === 0 || wins === 0) return 0;
  const w = wins / closed;
  let f: number;
  if (losses === 0) f = w;
  else {
    const r = sumWinReturn / wins / (sumLossReturn / losses);
    f = w - (1 - w) / r;
  }
  const k = scale * f;
  return k <= 0 ? 0 : k > leverage ? leverage : k;
}
