import type { Bars } from '../data/bars.js';
import { runBacktest } from '../strategies/backtest.js';
import type { SimResult } from '../engine/types.js';
import { paperRunner, refuseForLive, type PaperRunSpec } from './paper-run.js';
import { ReplayFeed } from './replay-feed.js';
import type { Fill, JournalEntry } from './types.js';

/** One fill as parity compares it. */
export interface ParityFill {
  bar: number;
  side: 'buy' | 'sell';
  size: number;
  price: number;
  fee: number;
}

export interface ParityResult {
  identical: boolean;
  bars: number;
  backtestFills: number;
  runnerFills: number;
  /** Orders the runner sent that did not fill before the data ended (a signal on the last bar with fill 'open'). */
  unfilledAtEnd: number;
  firstDifference?: { index: number; backtest?: ParityFill; runner?: ParityFill };
  /** The run's settings, every default applied. */
  settings: Record<string, unknown>;
}

function backtestFills(result: SimResult): ParityFill[] {
  const o = result.orders;
  const out: ParityFill[] = [];
  for (let k = 0; k < o.count; k++) out.push({ bar: o.bar[k], side: o.side[k] > 0 ? 'buy' : 'sell', size: o.size[k], price: o.price[k], fee: o.fee[k] });
  return out;
}

function same(a: ParityFill, b: ParityFill): boolean {
  return a.bar === b.bar && a.side === b.side && a.size === b.size && a.price === b.price && a.fee === b.fee;
}

/**
 * Replays `bars` through the live runner with the paper broker and compares its fills with `rrr backtest` on
 * the same data and settings: the same (bar, side, size, price, fee) for every fill, compared exactly (===).
 */
export async function runParity(spec: Omit<PaperRunSpec, 'runId' | 'symbol' | 'timeframe'> & { bars: Bars; symbol?: string; timeframe?: string }, onBar?: (i: number) => void): Promise<ParityResult> {
  const { bars } = spec;
  refuseForLive(spec.strategy, spec.sim, spec.optionName);
  const backtest = runBacktest(bars, { strategy: spec.strategy, params: spec.params, sim: spec.sim, periodsPerYear: spec.periodsPerYear, source: spec.source, optionName: spec.optionName });
  const expected = backtestFills(backtest.result as SimResult);
  const entries: JournalEntry[] = [];
  const runner = paperRunner(
    { ...spec, runId: 'parity', symbol: spec.symbol ?? bars.symbol ?? 'data', timeframe: spec.timeframe ?? bars.timeframe ?? '' },
    new ReplayFeed(bars, { speed: 0 }),
    { append: (e) => entries.push(e) },
    { clock: 'bar', onBar: onBar && ((i) => onBar(i)) },
  );
  await runner.run();
  const fills = entries.filter((e): e is Extract<JournalEntry, { kind: 'fill' }> => e.kind === 'fill').map((e) => e.fill);
  const got = fills.map((f: Fill): ParityFill => ({ bar: f.bar, side: f.side, size: f.amount, price: f.price, fee: f.fee }));
  const last = new Map<string, string>();
  for (const e of entries) if (e.kind === 'order-state') last.set(e.status.clientOrderId, e.status.state);
  const requests = new Map(entries.flatMap((e) => (e.kind === 'order' ? [[e.order.clientOrderId, e.order] as const] : [])));
  // Still waiting at the end: market orders of the last bar (protective orders resting for an open position do not count).
  const open = [...last].filter(([id, state]) => state === 'submitted' && requests.get(id)?.type === 'market').length;
  let firstDifference: ParityResult['firstDifference'];
  for (let k = 0; k < Math.max(expected.length, got.length); k++) {
    if (k >= expected.length || k >= got.length || !same(expected[k], got[k])) {
      firstDifference = { index: k, backtest: expected[k], runner: got[k] };
      break;
    }
  }
  return {
    identical: firstDifference === undefined,
    bars: bars.length,
    backtestFills: expected.length,
    runnerFills: got.length,
    unfilledAtEnd: open,
    ...(firstDifference ? { firstDifference } : {}),
    settings: backtest.settings as unknown as Record<string, unknown>,
  };
}
