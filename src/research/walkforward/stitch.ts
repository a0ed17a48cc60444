/**
 * The out-of-sample equity of a walk-forward: each test window's equity curve, its returns chained so the next
 * window starts where the previous one ended. Every test window starts from the same starting cash, so
 * window k is scaled by (stitched equity at the end of window k-1) / cash. The first bar of each window keeps
 * its own return against the cash it started with (0 unless a fill on that bar paid costs), so the stitched
 * curve has one point per tested bar and no return spans two windows.
 *
 * A position still open at the end of a test window that is not the last is counted as a closed trade at the
 * price it was marked to: the stitched equity carries that value into the next window, which starts flat.
 */
import type { TradeColumns } from '../../engine/metrics.js';

/** One test window's simulation, as runBacktest returns it, over the window's bars only. */
export interface TestSegment {
  time: Float64Array;
  equity: Float64Array;
  close?: Float64Array;
  trades: TradeColumns;
  exposureBars: number;
  feesPaid: number;
}

/** The test windows as one: the same columns over every tested bar. */
export interface StitchedEquity extends TestSegment {
  /** The traded closes over the same bars (buy and hold over the tested bars), when every segment has them. */
  close?: Float64Array;
  /** Every window's trades, bars as stitched indexes; currency amounts (pnl, fees, size) scaled like the equity. */
  trades: TradeColumns;
  /** The factor each window's equity was multiplied by. */
  scale: number[];
}

/** Chains the segments' returns from `cash` (the starting cash every window's simulation used). */
export function stitchEquity(segments: readonly TestSegment[], cash: number): StitchedEquity {
  const length = segments.reduce((s, g) => s + g.equity.length, 0);
  const tradeCount = segments.reduce((s, g) => s + g.trades.count, 0);
  const time = new Float64Array(length);
  const equity = new Float64Array(length);
  const withClose = segments.every((g) => g.close !== undefined);
  const close = withClose ? new Float64Array(length) : undefined;
  const trades = {
    entryBar: new Int32Array(tradeCount),
    exitBar: new Int32Array(tradeCount),
    pnl: new Float64Array(tradeCount),
    returnPct: new Float64Array(tradeCount),
    isOpen: new Uint8Array(tradeCount),
    asset: new Int32Array(tradeCount),
    fees: new Float64Array(tradeCount),
    size: new Float64Array(tradeCount),
    entryPrice: new Float64Array(tradeCount),
    exitPrice: new Float64Array(tradeCount),
    count: tradeCount,
  } satisfies TradeColumns;
  const scale: number[] = [];
  let level = cash;
  let at = 0;
  let t = 0;
  let exposureBars = 0;
  let feesPaid = 0;
  for (const [k, g] of segments.entries()) {
    const last = k === segments.length - 1;
    const factor = level / cash;
    scale.push(factor);
    time.set(g.time, at);
    for (let i = 0; i < g.equity.length; i++) equity[at + i] = g.equity[i] * factor;
    if (close) close.set(g.close!, at);
    const tr = g.trades;
    for (let j = 0; j < tr.count; j++, t++) {
      trades.entryBar[t] = tr.entryBar[j] + at;
      trades.exitBar[t] = tr.exitBar[j] + at;
      trades.pnl[t] = tr.pnl[j] * factor;
      trades.returnPct[t] = tr.returnPct[j];
      trades.isOpen[t] = last ? (tr.isOpen?.[j] ?? 0) : 0;
      trades.asset[t] = tr.asset?.[j] ?? 0;
      trades.fees[t] = (tr.fees?.[j] ?? 0) * factor;
      trades.size[t] = (tr.size?.[j] ?? Number.NaN) * factor;
      trades.entryPrice[t] = tr.entryPrice?.[j] ?? Number.NaN;
      trades.exitPrice[t] = tr.exitPrice?.[j] ?? Number.NaN;
    }
    exposureBars += g.exposureBars;
    feesPaid += g.feesPaid * factor;
    at += g.equity.length;
    if (g.equity.length > 0) level = equity[at - 1];
  }
  return { time, equity, ...(close ? { close } : {}), trades, exposureBars, feesPaid, scale };
}
