import { METRIC_DESCRIPTIONS, METRIC_KEYS } from '../engine/metrics.js';
import type { BacktestJobResult } from '../research/backtest-job.js';
import type { AssertionOutcome } from './assertions.js';
import { describeSettings } from './settings.js';
import { renderSparklineLine, terminalColumns } from './sparkline.js';
import { formatNumber, renderPairs, renderTable, significant } from './table.js';

/** Metrics: 4 decimals for everyday magnitudes, 4 significant digits below 1 so small values stay visible. */
export const roundMetric = (x: unknown): unknown => (typeof x === 'number' && Number.isFinite(x) ? (Math.abs(x) >= 1 ? Number(x.toFixed(4)) : significant(x, 4)) : x);
const money = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toFixed(2)) : x);

/** The header lines: what ran on which data, then the settings as sentences (report/settings.ts). */
export function settingsPairs(job: BacktestJobResult): [string, unknown][] {
  return [
    ['Run', job.runId ?? (job.notRecorded === undefined ? 'not recorded (--no-record)' : 'not recorded (the store stayed busy; see below)')],
    ['Strategy', `${job.strategy} ${Object.entries(job.params).map(([k, v]) => `${k}=${v}`).join(' ')}`],
    ['Data', `${job.symbols.join(', ')} ${job.timeframe}, ${job.from} .. ${job.to} (fingerprint ${job.dataFingerprint})`],
    ...describeSettings(job.recordedSettings),
  ];
}

/**
 * The terminal report of a backtest: settings, metrics, the equity sparkline, the last trades and the --assert
 * outcomes. The sparkline is drawn only for a terminal `columns` wide: by default stdout's width when stdout is
 * a terminal, and none when it is piped, so what scripts read stays as it was.
 */
export function renderBacktest(job: BacktestJobResult, assertions: readonly AssertionOutcome[], lastTrades: number, columns: number | undefined = terminalColumns()): string {
  const metrics = METRIC_KEYS.map((k) => [METRIC_DESCRIPTIONS[k].label, roundMetric((job.metrics as unknown as Record<string, unknown>)[k])] as const);
  const parts = [renderPairs(settingsPairs(job)), '', renderPairs(metrics.map(([k, v]) => [k, v ?? 'n/a']))];
  const spark = columns === undefined ? '' : renderSparklineLine('Equity', job.backtest.result.equity, columns);
  if (spark !== '') parts.push('', spark);
  const multi = job.symbols.length > 1;
  if (multi && job.assetStats) {
    parts.push(
      '',
      'Per symbol (closed trades):',
      renderTable(
        ['symbol', 'trades', 'win %', 'P&L', 'fees', 'avg trade %', 'profit factor', 'open', 'unrealized P&L'],
        job.assetStats.map((a) => [job.symbols[a.asset] ?? String(a.asset), a.tradeCount, roundMetric(a.winRatePct), money(a.totalPnl), money(a.feesPaid), roundMetric(a.averageTradePct), roundMetric(a.profitFactor), a.openTrades, money(a.unrealizedPnl)]),
      ),
    );
  }
  const trades = job.trades.slice(Math.max(0, job.trades.length - lastTrades));
  if (lastTrades > 0) {
    parts.push('', trades.length === 0 ? 'No trades.' : `Last ${trades.length} of ${job.trades.length} trades:`);
    if (trades.length > 0) {
      const headers = ['entry time', 'exit time', 'side', 'entry', 'exit', 'size', 'fees', 'P&L', 'return %', 'exit reason'];
      const row = (t: (typeof trades)[number]) => [t.entryTime, t.isOpen ? 'open' : t.exitTime, t.direction, significant(t.entryPrice), significant(t.exitPrice), significant(t.size), significant(t.fees, 6), money(t.pnl), money(t.returnPct), t.exitReason];
      parts.push(multi ? renderTable(['symbol', ...headers], trades.map((t) => [t.symbol ?? job.symbols[t.asset], ...row(t)])) : renderTable(headers, trades.map(row)));
    }
  }
  if (job.outFiles.length > 0) parts.push('', `Wrote ${job.outFiles.join(', ')}.`);
  if (assertions.length > 0) {
    parts.push('', ...assertions.map((a) => `${a.passed ? 'PASS' : 'FAIL'}  ${a.text}  (${a.metric} = ${a.actual === null ? 'undefined' : formatNumber(a.actual)})`));
  }
  return parts.join('\n');
}
