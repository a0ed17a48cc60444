/**
 * Six stress scenarios, each saying what it assumes. Three are historical windows, replayed on the
 * portfolio's own returns when its data covers them and replaced by a parametric equivalent (said so) when
 * it does not; three are parametric shocks in units of the portfolio's own volatility. Losses are positive
 * fractions. Pure numerics: the reference figures below are constants, documented in docs/risk.md.
 */
import { normalQuantile } from '../stats/normal.js';

const DAY_MS = 86_400_000;

interface HistoricalScenario {
  id: string;
  name: string;
  from: string;
  to: string;
  /** The reference market, its close-to-close move over the window, and the long-run annual volatility the parametric equivalent scales by. */
  reference: string;
  referenceMove: number;
  referenceVolatility: number;
  moveText: string;
}

/** Close-to-close reference moves: S&P 500 1192.70 -> 676.53 and 3386.15 -> 2237.40; Bitcoin about 64,950 -> 15,780 USD. */
export const HISTORICAL_SCENARIOS: readonly HistoricalScenario[] = [
  { id: 'crisis-2008', name: '2008-09 financial crisis', from: '2008-09-15', to: '2009-03-09', reference: 'S&P 500', referenceMove: 676.53 / 1192.7 - 1, referenceVolatility: 0.16, moveText: 'the S&P 500 fell 43.3% (1192.70 to 676.53)' },
  { id: 'crash-2020', name: '2020-03 COVID crash', from: '2020-02-19', to: '2020-03-23', reference: 'S&P 500', referenceMove: 2237.4 / 3386.15 - 1, referenceVolatility: 0.16, moveText: 'the S&P 500 fell 33.9% (3386.15 to 2237.40)' },
  { id: 'crypto-winter-2022', name: '2022 crypto winter', from: '2021-11-10', to: '2022-11-21', reference: 'Bitcoin', referenceMove: 15_780 / 64_950 - 1, referenceVolatility: 0.65, moveText: 'Bitcoin fell about 75.7% (about 64,950 to 15,780 USD)' },
];

/** 2022: the S&P 500 returned -19.4% while the 10-year US Treasury yield rose from 1.51% to 3.88% (+2.37 points). */
const EQUITY_LOSS_PER_100BP = 0.194 / 2.37;
const EQUITY_VOLATILITY = 0.16;
export const VOLATILITY_MULTIPLE = 3;
export const GAP_SIGMAS = 5;
export const COST_MULTIPLE = 10;

export interface StressInput {
  /** times[i] is the time of the bar at whose close the value after returns[i - 1] is known: times.length = returns.length + 1. */
  times: Float64Array;
  returns: Float64Array;
  periodsPerYear: number;
  /** Per period. */
  mean: number;
  sd: number;
  horizon: number;
  /** Cost of leaving the positions, as a fraction of their value per side (fees plus slippage), and where it comes from. */
  exitCost: number;
  exitCostSource: string;
  /** Gross exposure (sum of |weights|) the exit cost applies to. */
  exposure: number;
}

export interface StressResult {
  id: string;
  name: string;
  kind: 'historical' | 'parametric';
  /** Historical scenarios: whether the data covers the window (if not, the loss is the parametric equivalent). */
  covered?: boolean;
  from?: string;
  to?: string;
  /** Loss as a positive fraction (negative: the portfolio gained). */
  loss: number;
  /** The worst peak-to-trough fall inside the window (historical windows the data covers). */
  maxDrawdown?: number;
  assumes: string;
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/** A loss past 100% is a total loss: capped there, and said so. */
const capped = (loss: number) => (loss > 1 ? ` (${pct(loss)} computed, capped at 100%: a total loss)` : '');

/** Index of the last time before `limit` (exclusive), or -1. */
function lastBefore(times: Float64Array, limit: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function replay(input: StressInput, start: number, end: number): { loss: number; maxDrawdown: number } {
  let value = 1;
  let peak = 1;
  let maxDrawdown = 0;
  for (let i = start; i < end; i++) {
    value *= 1 + input.returns[i];
    peak = Math.max(peak, value);
    maxDrawdown = Math.max(maxDrawdown, 1 - value / peak);
  }
  return { loss: 1 - value, maxDrawdown };
}

export function stressScenarios(input: StressInput): StressResult[] {
  const { times, periodsPerYear, mean, sd, horizon } = input;
  const annualVol = sd * Math.sqrt(periodsPerYear);
  const out: StressResult[] = [];
  for (const s of HISTORICAL_SCENARIOS) {
    const fromMs = Date.parse(`${s.from}T00:00:00Z`);
    const toMs = Date.parse(`${s.to}T00:00:00Z`);
    // From the close of the last bar on the start date (or before it) to that of the last bar on the end date.
    const start = lastBefore(times, fromMs + DAY_MS);
    const end = lastBefore(times, toMs + DAY_MS);
    const covered = start >= 0 && times.length > 0 && times[times.length - 1] >= toMs && end > start;
    if (covered) {
      const { loss, maxDrawdown } = replay(input, start, end);
      out.push({ id: s.id, name: s.name, kind: 'historical', covered, from: s.from, to: s.to, loss, maxDrawdown, assumes: `the portfolio's own returns from the close of ${s.from} to the close of ${s.to}, as they happened` });
    } else {
      const ratio = annualVol / s.referenceVolatility;
      out.push({
        id: s.id, name: s.name, kind: 'historical', covered, from: s.from, to: s.to,
        loss: Math.min(1, -s.referenceMove * ratio),
        assumes: `the data does not cover ${s.from} .. ${s.to}, so a parametric equivalent: ${s.moveText}; the portfolio is assumed to move with the ${s.reference} (correlation 1) in proportion to its volatility, ${pct(annualVol)} a year against ${pct(s.referenceVolatility, 0)} assumed for the ${s.reference}${capped(-s.referenceMove * ratio)}`,
      });
    }
  }
  out.push({
    id: 'rates-shock', name: 'Rates shock (+100 bp)', kind: 'parametric',
    loss: Math.min(1, EQUITY_LOSS_PER_100BP * (annualVol / EQUITY_VOLATILITY)),
    assumes: `rates rise 100 bp at once and the portfolio reacts as US equities did in 2022 (S&P 500 -19.4% for +2.37 points of 10-year yield: ${pct(EQUITY_LOSS_PER_100BP)} per 100 bp), scaled by its volatility, ${pct(annualVol)} a year against 16% for the S&P 500${capped(EQUITY_LOSS_PER_100BP * (annualVol / EQUITY_VOLATILITY))}`,
  });
  const z99 = normalQuantile(0.99);
  const spike = -mean * horizon + VOLATILITY_MULTIPLE * sd * Math.sqrt(horizon) * z99;
  out.push({
    id: 'volatility-spike', name: `Volatility spike (x${VOLATILITY_MULTIPLE})`, kind: 'parametric',
    loss: Math.min(1, spike),
    assumes: `volatility triples (${pct(sd, 2)} to ${pct(VOLATILITY_MULTIPLE * sd, 2)} per period), the mean is unchanged and returns stay normal: the loss is the 99% normal VaR over ${horizon} period${horizon === 1 ? '' : 's'} at that volatility${capped(spike)}`,
  });
  const gap = GAP_SIGMAS * sd + COST_MULTIPLE * input.exitCost * input.exposure;
  out.push({
    id: 'liquidity-gap', name: `Liquidity gap (${GAP_SIGMAS} sigma + ${COST_MULTIPLE}x costs)`, kind: 'parametric',
    loss: Math.min(1, gap),
    assumes: `the market opens ${GAP_SIGMAS} standard deviations (${pct(GAP_SIGMAS * sd, 2)}) against the portfolio and leaving its ${input.exposure.toFixed(2)}x gross exposure costs ${COST_MULTIPLE} times the usual ${pct(input.exitCost, 3)} per side (${input.exitCostSource})${capped(gap)}`,
  });
  return out;
}
