/**
 * Trade statistics: one implementation for the whole account (computeMetrics) and for each asset
 * (tradeStatsByAsset). Only closed trades count; a position still open at the end is reported apart.
 * Formulas: docs/metrics.md.
 */
import { finiteOrNull } from './finite.js';
import type { AssetTradeStats, Metrics, OpenTrade, TradeColumns } from './types.js';

/** A standard deviation this small relative to the mean is rounding noise of a constant series. */
const ZERO_SPREAD = 1e-10;

/** Sums over the closed trades of one selection, from which every trade statistic follows. */
interface ClosedTrades {
  count: number;
  wins: number;
  losses: number;
  grossProfit: number;
  grossLoss: number;
  pnlSum: number;
  returnSum: number;
  /** Sum of log(1 + r); meaningless once `ruined`. */
  logGrowthSum: number;
  /** A trade lost 100 % or more: the geometric mean is -100 %. */
  ruined: boolean;
  best: number;
  worst: number;
  holdingSum: number;
  /** Sample standard deviation of pnl (NaN below 2 trades). */
  pnlStd: number;
  /** Fees of every row selected, open ones included. */
  fees: number;
}

/** The rows counted: closed, and of `asset` unless asset < 0. */
function selected(t: TradeColumns, i: number, asset: number): boolean {
  return (t.isOpen === undefined || t.isOpen[i] === 0) && (asset < 0 || (t.asset?.[i] ?? 0) === asset);
}

function closedTrades(t: TradeColumns, asset: number): ClosedTrades {
  const { pnl, returnPct, entryBar, exitBar } = t;
  const s: ClosedTrades = {
    count: 0,
    wins: 0,
    losses: 0,
    grossProfit: 0,
    grossLoss: 0,
    pnlSum: 0,
    returnSum: 0,
    logGrowthSum: 0,
    ruined: false,
    best: -Infinity,
    worst: Infinity,
    holdingSum: 0,
    pnlStd: NaN,
    fees: 0,
  };
  for (let i = 0; i < t.count; i++) {
    if (t.fees !== undefined && (asset < 0 || (t.asset?.[i] ?? 0) === asset)) s.fees += t.fees[i];
    if (!selected(t, i, asset)) continue;
    s.count++;
    const p = pnl[i];
    s.pnlSum += p;
    if (p > 0) {
      s.wins++;
      s.grossProfit += p;
    } else if (p < 0) {
      s.losses++;
      s.grossLoss -= p;
    }
    const r = returnPct[i];
    s.returnSum += r;
    if (r <= -100) s.ruined = true;
    else s.logGrowthSum += Math.log1p(r / 100);
    if (r > s.best) s.best = r;
    if (r < s.worst) s.worst = r;
    s.holdingSum += exitBar[i] - entryBar[i];
  }
  if (s.count >= 2) {
    const mean = s.pnlSum / s.count;
    let squares = 0;
    for (let i = 0; i < t.count; i++) if (selected(t, i, asset)) squares += (pnl[i] - mean) * (pnl[i] - mean);
    s.pnlStd = Math.sqrt(squares / (s.count - 1));
  }
  return s;
}

const winRatePct = (s: ClosedTrades) => (s.count > 0 ? (s.wins / s.count) * 100 : null);
const averageTradePct = (s: ClosedTrades) => (s.count === 0 ? null : s.ruined ? -100 : (Math.exp(s.logGrowthSum / s.count) - 1) * 100);
const profitFactor = (s: ClosedTrades) => (s.grossLoss > 0 ? s.grossProfit / s.grossLoss : null);

/** The metrics tradeMetrics() computes. */
export const TRADE_METRIC_KEYS = [
  'tradeCount',
  'winRatePct',
  'bestTradePct',
  'worstTradePct',
  'averageTradePct',
  'expectancy',
  'expectancyPct',
  'averageHoldingBars',
  'profitFactor',
  'sqn',
  'kellyPct',
] as const;
export type TradeMetricKeys = (typeof TRADE_METRIC_KEYS)[number];

/** tradeMetrics().tradeCount without the rest: the rows that are closed trades. */
export function closedTradeCount(trades: TradeColumns): number {
  const { isOpen } = trades;
  if (isOpen === undefined) return trades.count;
  let open = 0;
  for (let i = 0; i < trades.count; i++) open += isOpen[i] === 0 ? 0 : 1;
  return trades.count - open;
}

/** The account-level trade statistics of computeMetrics. */
export function tradeMetrics(trades: TradeColumns): Pick<Metrics, TradeMetricKeys> {
  const s = closedTrades(trades, -1);
  const n = s.count;
  const pnlMean = n > 0 ? s.pnlSum / n : NaN;
  const sqn = n >= 2 && s.pnlStd > ZERO_SPREAD * Math.abs(pnlMean) ? (Math.sqrt(n) * pnlMean) / s.pnlStd : null;
  let kellyPct: number | null = null;
  if (s.wins > 0 && s.losses > 0) {
    const w = s.wins / n;
    const payoff = s.grossProfit / s.wins / (s.grossLoss / s.losses);
    kellyPct = (w - (1 - w) / payoff) * 100;
  }
  return {
    tradeCount: n,
    winRatePct: winRatePct(s),
    bestTradePct: n > 0 ? s.best : null,
    worstTradePct: n > 0 ? s.worst : null,
    averageTradePct: averageTradePct(s),
    expectancy: n > 0 ? pnlMean : null,
    expectancyPct: n > 0 ? s.returnSum / n : null,
    averageHoldingBars: n > 0 ? s.holdingSum / n : null,
    profitFactor: n > 0 ? profitFactor(s) : null,
    sqn,
    kellyPct,
  };
}

/** The rows with isOpen = 1, as OpenTrade records; `timeOf` names a bar's time. */
export function openTrades(trades: TradeColumns, timeOf: (bar: number) => string | null, lastBar: number): OpenTrade[] {
  const out: OpenTrade[] = [];
  const { isOpen } = trades;
  if (isOpen === undefined) return out;
  for (let i = 0; i < trades.count; i++) {
    if (isOpen[i] !== 1) continue;
    const size = trades.size?.[i];
    out.push(
      finiteOrNull({
        asset: trades.asset?.[i] ?? 0,
        direction: size === undefined ? null : size > 0 ? 'long' : 'short',
        entryBar: trades.entryBar[i],
        entryTime: timeOf(trades.entryBar[i]),
        entryPrice: trades.entryPrice?.[i] ?? null,
        size: size ?? null,
        markPrice: trades.exitPrice?.[i] ?? null,
        barsHeld: lastBar - trades.entryBar[i],
        unrealizedPnl: trades.pnl[i],
        returnPct: trades.returnPct[i],
      }),
    );
  }
  return out;
}

/**
 * Closed-trade statistics per asset, assets 0 .. assets - 1 (an asset without trades gets a row of zeros and
 * nulls). Same definitions as computeMetrics' trade statistics, restricted to one asset's rows.
 */
export function tradeStatsByAsset(trades: TradeColumns, assets: number): AssetTradeStats[] {
  if (!(Number.isInteger(assets) && assets >= 0)) throw new RangeError(`tradeStatsByAsset: assets must be an integer >= 0 (got ${assets})`);
  const out: AssetTradeStats[] = [];
  for (let a = 0; a < assets; a++) {
    const s = closedTrades(trades, a);
    let open = 0;
    let unrealized = 0;
    if (trades.isOpen !== undefined) {
      for (let i = 0; i < trades.count; i++) {
        if (trades.isOpen[i] === 1 && (trades.asset?.[i] ?? 0) === a) {
          open++;
          unrealized += trades.pnl[i];
        }
      }
    }
    out.push(
      finiteOrNull({
        asset: a,
        tradeCount: s.count,
        winRatePct: winRatePct(s),
        totalPnl: s.pnlSum,
        feesPaid: s.fees,
        averageTradePct: averageTradePct(s),
        profitFactor: s.count > 0 ? profitFactor(s) : null,
        openTrades: open,
        unrealizedPnl: unrealized,
      }),
    );
  }
  return out;
}
