import { METRIC_DESCRIPTIONS, METRIC_KEYS } from '../engine/metrics.js';
import type { BacktestJobResult } from '../research/backtest-job.js';
import type { AssertionOutcome } from './assertions.js';
import { formatNumber, renderPairs, renderTable } from './table.js';

const round = (x: unknown, digits = 4) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** The terminal report of a backtest: settings, metrics, the last trades and the --assert outcomes. */
export function renderBacktest(job: BacktestJobResult, assertions: readonly AssertionOutcome[], lastTrades: number): string {
  const s = job.settings as unknown as Record<string, unknown>;
  const stop = (v: unknown) => (v === null || v === undefined ? 'none' : JSON.stringify(v).replace(/"/g, ''));
  const settings: [string, unknown][] = [
    ['Run', job.runId],
    ['Strategy', `${job.strategy} ${Object.entries(job.params).map(([k, v]) => `${k}=${v}`).join(' ')}`],
    ['Data', `${job.symbols.join(', ')} ${job.timeframe}, ${job.from} .. ${job.to} (fingerprint ${job.dataFingerprint})`],
    ['Fill', s.fill === 'close' ? "signal bar's close (--fill close)" : "next bar's open"],
    ['Costs', `fees ${formatNumber(Number(s.feeRate) * 100)}% + ${s.fixedFee} per order, slippage ${s.slippageBps} bps`],
  ];
  if ('direction' in s) {
    settings.push(['Trading', `${s.direction}, size ${stop(s.size)}, lot ${s.lotSize || 'fractional'}, leverage ${s.leverage}`]);
    settings.push(['Exits', `stop ${stop(s.stopLoss)}, target ${stop(s.takeProfit)}, trailing ${stop(s.trailingStop)}, max hold ${s.maxHold || 'none'}${s.stopLoss && s.takeProfit ? `, ${s.stopFirst ? 'stop' : 'target'} first in one bar` : ''}`]);
  }
  settings.push(['Cash', s.cash], ['Periods per year', job.periodsPerYear]);
  const metrics = METRIC_KEYS.map((k) => [METRIC_DESCRIPTIONS[k].label, round((job.metrics as unknown as Record<string, unknown>)[k])] as const);
  const trades = job.trades.slice(Math.max(0, job.trades.length - lastTrades));
  const parts = [renderPairs(settings), '', renderPairs(metrics.map(([k, v]) => [k, v ?? 'n/a']))];
  if (lastTrades > 0) {
    parts.push('', trades.length === 0 ? 'No trades.' : `Last ${trades.length} of ${job.trades.length} trades:`);
    if (trades.length > 0) {
      parts.push(
        renderTable(
          ['entry time', 'exit time', 'side', 'entry', 'exit', 'size', 'fees', 'P&L', 'return %', 'exit reason'],
          trades.map((t) => [t.entryTime, t.isOpen ? 'open' : t.exitTime, t.direction, round(t.entryPrice), round(t.exitPrice), round(t.size, 6), round(t.fees), round(t.pnl, 2), round(t.returnPct, 2), t.exitReason]),
        ),
      );
    }
  }
  if (job.outFiles.length > 0) parts.push('', `Wrote ${job.outFiles.join(', ')}.`);
  if (assertions.length > 0) {
    parts.push('', ...assertions.map((a) => `${a.passed ? 'PASS' : 'FAIL'}  ${a.text}  (${a.metric} = ${a.actual === null ? 'undefined' : formatNumber(a.actual)})`));
  }
  return parts.join('\n');
}
