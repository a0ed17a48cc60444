/**
 * computeMetrics(): the statistics of one backtest from its equity curve and closed trades (a position still
 * open at the end is in equity and in openTrades, not in the trade statistics).
 * Every formula and edge-case rule is written out in docs/metrics.md; keep the two in step.
 *
 * Cost: one pass over equity (writing the per-bar returns), one over the returns, and a selection over the
 * few percent of returns near the 5 % quantile; no allocation per element.
 */
import { formatTime } from '../../data/time.js';
import { METRIC_KEYS } from './descriptions.js';
import { moments, momentsAndTail, type Distribution } from './distribution.js';
import {
  EQ_DEPTH_SUM,
  EQ_DOWNSIDE_SQUARES,
  EQ_EPISODES,
  EQ_LONGEST_BARS,
  EQ_LONGEST_MS,
  EQ_MAX_DRAWDOWN,
  EQ_RETURN_SUM,
  EQ_SLOTS,
  equityPass,
} from './kernels.js';
import { finiteOrNull } from './finite.js';
import { closedTradeCount, openTrades, TRADE_METRIC_KEYS, tradeMetrics } from './trades.js';
import type { MetricKey, Metrics, MetricsInput, MetricsOptions } from './types.js';

const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;
/** Confidence of the value-at-risk figures: the lower 5 % tail. */
const VAR_TAIL = 0.05;
/** A standard deviation this small relative to the mean is rounding noise of a constant series. */
const ZERO_SPREAD = 1e-10;

/**
 * The per-bar returns of the largest series seen so far, reused from call to call (computeMetrics is
 * synchronous, so no two calls share it): allocating and zeroing 8 bytes per bar each time costs more than
 * the arithmetic. Each worker thread has its own module instance and so its own buffer.
 */
let scratch = new Float64Array(0);
function returnsBuffer(length: number): Float64Array {
  if (scratch.length < length) scratch = new Float64Array(length);
  return scratch;
}

/**
 * The statistics of one backtest (see docs/metrics.md for every formula). Without `options`, periods per
 * year are the bars actually observed per 365.25-day year of the data; the CLI always passes the value
 * implied by the timeframe instead.
 * @throws RangeError when `time` and `equity` differ in length, trades.count exceeds its columns, or an option is out of range.
 */
export function computeMetrics(input: MetricsInput, options?: MetricsOptions): Metrics {
  const { time, equity, trades } = input;
  const periodsPerYear = options?.periodsPerYear ?? observedPeriodsPerYear(time);
  const riskFreeRate = options?.riskFreeRate ?? 0;
  checkInput(input, periodsPerYear, riskFreeRate);
  const only = options?.only;
  const asked = only === undefined ? null : askedSet(only);
  const wants = (key: MetricKey) => asked === null || asked.has(key);
  const wantsAny = (keys: readonly MetricKey[]) => asked === null || keys.some((k) => asked.has(k));
  const needTail = wantsAny(TAIL_KEYS);
  const needMoments = needTail || wantsAny(MOMENT_KEYS);
  const needEquity = needMoments || wantsAny(EQUITY_PASS_KEYS);

  const n = equity.length;
  const returnCount = n > 0 ? n - 1 : 0;
  const rfPerPeriod = riskFreeRate === 0 ? 0 : Math.pow(1 + riskFreeRate, 1 / periodsPerYear) - 1;
  const annualizer = Math.sqrt(periodsPerYear);

  // Pass 1 over equity: sum of per-bar returns, downside squares, drawdown episodes.
  if (!warmedUp && n > 4096) warmUp();
  const returns = options?.returns ?? returnsBuffer(needEquity ? returnCount : 0);
  if (needEquity && returns.length < returnCount) throw new RangeError(`computeMetrics: "returns" holds ${returns.length} values but the ${n} bars have ${returnCount} returns.`);
  const pass = n > 0 && needEquity ? equityPass(equity, time, rfPerPeriod, returns, new Float64Array(EQ_SLOTS)) : new Float64Array(EQ_SLOTS);
  const returnSum = pass[EQ_RETURN_SUM];
  const downsideSquares = pass[EQ_DOWNSIDE_SQUARES];
  // A NaN or infinite equity value makes every return-based and drawdown metric null.
  const equityFinite = needEquity && n > 0 && Number.isFinite(equity[0]) && Number.isFinite(returnSum);
  const hasReturns = equityFinite && returnCount > 0;

  // Pass 2 over the returns: central moments and the lower tail in one read (may reorder the scratch returns).
  const mean = returnCount > 0 ? returnSum / returnCount : NaN;
  let dist: Distribution | null = null;
  if (hasReturns && needTail) dist = momentsAndTail(returns, returnCount, mean, VAR_TAIL);
  else if (hasReturns && needMoments) dist = { ...moments(returns, returnCount, mean), quantile: NaN, tailMean: NaN };
  const m2 = dist ? dist.m2 : NaN;
  const std = returnCount >= 2 ? Math.sqrt(m2 / (returnCount - 1)) : NaN;
  const flat = std === 0 || std <= ZERO_SPREAD * Math.abs(mean);

  let annualVolatilityPct: number | null = null;
  let sharpe: number | null = null;
  let sortino: number | null = null;
  let skew: number | null = null;
  let kurtosis: number | null = null;
  let valueAtRisk95Pct: number | null = null;
  let conditionalValueAtRisk95Pct: number | null = null;
  if (dist && returnCount >= 2) {
    annualVolatilityPct = flat ? 0 : std * annualizer * 100;
    if (!flat) sharpe = ((mean - rfPerPeriod) / std) * annualizer;
    const k = returnCount;
    if (k >= 3 && !flat) skew = (k * dist.m3) / ((k - 1) * (k - 2) * std * std * std);
    if (k >= 4 && !flat) kurtosis = ((k - 1) / ((k - 2) * (k - 3))) * ((k * (k + 1) * dist.m4) / (m2 * m2) - 3 * (k - 1));
  }
  if (hasReturns) {
    const downsideDeviation = Math.sqrt(downsideSquares / returnCount);
    if (downsideDeviation > 0) sortino = ((mean - rfPerPeriod) / downsideDeviation) * annualizer;
  }
  if (dist) {
    valueAtRisk95Pct = -dist.quantile * 100;
    conditionalValueAtRisk95Pct = -dist.tailMean * 100;
  }

  const finalEquity = n > 0 ? equity[n - 1] : null;
  const totalReturnPct = finalEquity !== null && input.initialCash > 0 ? (finalEquity / input.initialCash - 1) * 100 : null;
  const elapsedMs = n > 0 ? time[n - 1] - time[0] : NaN;
  let cagrPct: number | null = null;
  if (finalEquity !== null && input.initialCash > 0 && elapsedMs > 0) {
    const growth = finalEquity / input.initialCash;
    cagrPct = growth <= 0 ? -100 : (Math.pow(growth, YEAR_MS / elapsedMs) - 1) * 100;
  }
  const maxDrawdownPct = equityFinite ? pass[EQ_MAX_DRAWDOWN] * 100 : null;
  const calmar = cagrPct !== null && maxDrawdownPct !== null && maxDrawdownPct > 0 ? cagrPct / maxDrawdownPct : null;

  const metrics: Metrics = {
    startTime: n > 0 && wants('startTime') ? isoTime(time[0]) : null,
    endTime: n > 0 && wants('endTime') ? isoTime(time[n - 1]) : null,
    durationDays: n > 0 ? elapsedMs / DAY_MS : null,
    bars: n,
    exposurePct: n > 0 ? (input.exposureBars / n) * 100 : null,
    finalEquity,
    totalReturnPct,
    buyAndHoldReturnPct: input.benchmarkClose && wants('buyAndHoldReturnPct') ? buyAndHoldPct(input.benchmarkClose) : null,
    cagrPct,
    annualVolatilityPct,
    sharpe,
    sortino,
    calmar,
    maxDrawdownPct,
    averageDrawdownPct: equityFinite ? (pass[EQ_EPISODES] > 0 ? (pass[EQ_DEPTH_SUM] / pass[EQ_EPISODES]) * 100 : 0) : null,
    maxDrawdownDurationBars: equityFinite ? pass[EQ_LONGEST_BARS] : null,
    maxDrawdownDurationDays: equityFinite ? pass[EQ_LONGEST_MS] / DAY_MS : null,
    valueAtRisk95Pct,
    conditionalValueAtRisk95Pct,
    skew,
    kurtosis,
    ...(wantsAny(TRADE_STATISTICS_KEYS) ? tradeMetrics(trades) : { ...NO_TRADE_METRICS, tradeCount: closedTradeCount(trades) }),
    feesPaid: input.feesPaid,
    openTrades: openTrades(trades, (bar) => isoTime(time[bar]), n - 1),
  };
  if (asked !== null) {
    // What was computed only because a listed metric depends on it (CAGR for Calmar...) is not reported.
    for (const key of METRIC_KEYS) if (!asked.has(key) && !ALWAYS_GIVEN.has(key)) (metrics as unknown as Record<MetricKey, null>)[key] = null;
  }
  return finiteOrNull(metrics);
}

/**
 * Whether computeMetrics with this `only` writes the per-bar returns into options.returns and leaves them in bar
 * order: a listed metric needs the pass over equity, and none the lower tail, whose selection reorders them.
 */
export function returnsInOrder(only: readonly MetricKey[] | undefined): boolean {
  if (only === undefined) return false;
  const asked = askedSet(only);
  const any = (keys: readonly MetricKey[]) => keys.some((k) => asked.has(k));
  return !any(TAIL_KEYS) && (any(MOMENT_KEYS) || any(EQUITY_PASS_KEYS));
}

/** Read from the moments of the returns. */
const MOMENT_KEYS: readonly MetricKey[] = ['annualVolatilityPct', 'sharpe', 'skew', 'kurtosis'];
/** Read from the lower tail of the returns (found together with the moments). */
const TAIL_KEYS: readonly MetricKey[] = ['valueAtRisk95Pct', 'conditionalValueAtRisk95Pct'];
/** Read from the pass over equity alone. */
const EQUITY_PASS_KEYS: readonly MetricKey[] = ['sortino', 'calmar', 'maxDrawdownPct', 'averageDrawdownPct', 'maxDrawdownDurationBars', 'maxDrawdownDurationDays'];
/** Read from the trade statistics; tradeCount alone is a plain count. */
const TRADE_STATISTICS_KEYS: readonly MetricKey[] = TRADE_METRIC_KEYS.filter((k) => k !== 'tradeCount');
/** Never null (their types say so), and free: given whatever `only` lists. */
const ALWAYS_GIVEN: ReadonlySet<MetricKey> = new Set<MetricKey>(['bars', 'tradeCount', 'feesPaid']);
const NO_TRADE_METRICS = Object.fromEntries(TRADE_METRIC_KEYS.map((k) => [k, null])) as unknown as ReturnType<typeof tradeMetrics>;
const KNOWN_KEYS: ReadonlySet<string> = new Set(METRIC_KEYS);

function askedSet(only: readonly MetricKey[]): ReadonlySet<MetricKey> {
  for (const key of only) {
    if (!KNOWN_KEYS.has(key)) throw new RangeError(`computeMetrics: "only" lists ${JSON.stringify(key)}, which is not a metric; the metrics are ${METRIC_KEYS.join(', ')}.`);
  }
  return new Set(only);
}

/** last valid / first valid - 1 in percent; leading and trailing NaN (warm-up, missing data) are skipped. */
function buyAndHoldPct(close: Float64Array): number | null {
  let first = 0;
  while (first < close.length && !(close[first] > 0 && Number.isFinite(close[first]))) first++;
  let last = close.length - 1;
  while (last > first && !Number.isFinite(close[last])) last--;
  if (first >= close.length) return null;
  return (close[last] / close[first] - 1) * 100;
}

/** Bars per 365.25-day year as observed in `time`; 1 when there is no elapsed time to measure. */
function observedPeriodsPerYear(time: Float64Array): number {
  const n = time.length;
  const elapsed = n >= 2 ? time[n - 1] - time[0] : 0;
  return elapsed > 0 ? ((n - 1) * YEAR_MS) / elapsed : 1;
}

/**
 * V8 compiles a long loop on the fly (on-stack replacement) while it runs. If that happens on the first,
 * large call, the code after the loop and the rare branches have no type feedback yet, and the optimized
 * loop is thrown away again at the end of every later call (measured: 8 ms instead of 3 ms for 1,000,000
 * bars). Running every path once on a tiny series first gives the compiler complete feedback.
 */
let warmedUp = false;
function warmUp(): void {
  warmedUp = true;
  // 301 bars: a sawtooth with flat stretches (ties in the returns), drawdowns recovered and not, and a
  // stretch at zero equity.
  const equity = new Float64Array(301);
  for (let i = 0; i < equity.length; i++) equity[i] = i > 280 && i < 285 ? 0 : 100 + ((i * 37) % 23) - (i % 5 === 0 ? 0 : (i * 11) % 7);
  const time = equity.map((_, i) => i * DAY_MS);
  const returns = new Float64Array(equity.length - 1);
  // The same bars falling for good from bar 100: the last episode, never recovered and the longest, makes
  // every line after the loop run too (a real equity curve often ends in its longest drawdown).
  const endingInDrawdown = equity.map((v, i) => (i > 100 ? 1 / (i - 99) : v));
  for (let k = 0; k < 3; k++) {
    for (const [p, smallLimit] of [[VAR_TAIL, 0], [0.5, 0], [0.01, 0], [VAR_TAIL, 1000]]) {
      equityPass(endingInDrawdown, time, 0.0001, returns, new Float64Array(EQ_SLOTS));
      const pass = equityPass(equity, time, 0.0001, returns, new Float64Array(EQ_SLOTS));
      momentsAndTail(returns, returns.length, pass[EQ_RETURN_SUM] / returns.length, p, smallLimit);
      momentsAndTail(returns, returns.length - 1, pass[EQ_RETURN_SUM] / returns.length, p, smallLimit); // odd count
    }
  }
}

function isoTime(ms: number): string | null {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? formatTime(ms) : null;
}

function checkInput(input: MetricsInput, periodsPerYear: number, riskFreeRate: number): void {
  if (input.time.length !== input.equity.length) {
    throw new RangeError(`computeMetrics: "time" has ${input.time.length} values but "equity" has ${input.equity.length}; they must match bar for bar.`);
  }
  if (!(Number.isFinite(periodsPerYear) && periodsPerYear > 0)) {
    throw new RangeError(`computeMetrics: periodsPerYear must be a positive number (e.g. 365 for daily crypto, 252 for daily stocks), got ${periodsPerYear}.`);
  }
  if (!(Number.isFinite(riskFreeRate) && riskFreeRate > -1)) {
    throw new RangeError(`computeMetrics: riskFreeRate must be an annual fraction above -1 (0.04 for 4 %), got ${riskFreeRate}.`);
  }
  const t = input.trades;
  const columns = Math.min(t.entryBar.length, t.exitBar.length, t.pnl.length, t.returnPct.length);
  if (!(Number.isInteger(t.count) && t.count >= 0 && t.count <= columns)) {
    throw new RangeError(`computeMetrics: trades.count is ${t.count} but the trade columns hold ${columns} rows.`);
  }
}
