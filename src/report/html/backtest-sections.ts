/**
 * The tear sheet of one backtest as report sections: price with trades, equity against buy-and-hold,
 * drawdowns, calendar returns, trade returns, rolling Sharpe, trades, metrics, settings; for several assets,
 * each asset's P&L and weight. Built from the run's result and bars, whether just run or re-run from the store.
 */
import type { Bars } from '../../data/bars.js';
import { formatTime } from '../../data/time.js';
import { METRIC_DESCRIPTIONS, METRIC_KEYS } from '../../engine/metrics.js';
import { reasonName } from '../../engine/reasons.js';
import type { BacktestJobResult } from '../../research/backtest-job.js';
import type { BacktestResult } from '../../strategies/backtest.js';
import { describeSettings } from '../settings.js';
import { formatNumber } from '../table.js';
import { assetPnl, assetWeights, calendarReturns, drawdownPeriods, histogramBins, rollingSharpe, rollingWindow, underwater } from './backtest-stats.js';
import type { Block, ChartMarker, ReportDoc, ReportSection, TableBlock } from './types.js';

/** What `rrr backtest` returns for a run (BacktestJobResult), or the same built from a recorded run. */
export type BacktestReportInput = Pick<BacktestJobResult, 'runId' | 'strategy' | 'symbols' | 'timeframe' | 'from' | 'to' | 'dataFingerprint' | 'recordedSettings' | 'periodsPerYear' | 'backtest' | 'bars'> & {
  /** rrr's version, for the footer. */
  version?: string;
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function metricValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return 'n/a';
  if (typeof value !== 'number') return String(value);
  const unit = METRIC_DESCRIPTIONS[key as keyof typeof METRIC_DESCRIPTIONS].unit;
  if (unit === 'count' || unit === 'bars') return formatNumber(value);
  return formatNumber(Math.abs(value) >= 1 ? Number(value.toFixed(unit === 'currency' ? 2 : 4)) : Number(value.toPrecision(4)));
}

/** Buy-and-hold of the starting cash: the one asset, or equal weights across several (each from its first valid close). */
function buyAndHold(bars: readonly Bars[], cash: number): Float64Array {
  const n = bars[0].length;
  const out = new Float64Array(n);
  const first = bars.map((b) => b.close.find((c) => c > 0 && Number.isFinite(c)) ?? NaN);
  const last = bars.map(() => NaN);
  for (let t = 0; t < n; t++) {
    let sum = 0;
    for (let a = 0; a < bars.length; a++) {
      const c = bars[a].close[t];
      if (Number.isFinite(c)) last[a] = c;
      sum += Number.isFinite(last[a]) ? last[a] / first[a] : 1;
    }
    out[t] = (cash * sum) / bars.length;
  }
  return out;
}

function tradeMarkers(result: BacktestResult['result'], asset: number): ChartMarker[] {
  const t = result.trades;
  const markers: ChartMarker[] = [];
  for (let i = 0; i < t.count; i++) {
    if (t.asset[i] !== asset) continue;
    markers.push({ at: t.entryBar[i], price: t.entryPrice[i], kind: t.direction[i] > 0 ? 'entry-long' : 'entry-short' });
    if (!t.isOpen[i]) markers.push({ at: t.exitBar[i], price: t.exitPrice[i], kind: 'exit' });
  }
  return markers.sort((a, b) => a.at - b.at);
}

function tradeTable(input: BacktestReportInput): TableBlock {
  const { trades } = input.backtest.result;
  const time = input.bars[0].time;
  const multi = input.symbols.length > 1;
  const rows: TableBlock['rows'] = [];
  for (let i = 0; i < trades.count; i++) {
    rows.push([
      i + 1,
      ...(multi ? [input.symbols[trades.asset[i]] ?? String(trades.asset[i])] : []),
      trades.direction[i] > 0 ? 'long' : 'short',
      time[trades.entryBar[i]],
      trades.isOpen[i] ? null : time[trades.exitBar[i]],
      trades.entryPrice[i],
      trades.exitPrice[i],
      trades.size[i],
      trades.fees[i],
      trades.pnl[i],
      trades.returnPct[i],
      trades.exitBar[i] - trades.entryBar[i],
      trades.isOpen[i] ? 'open (marked to last close)' : reasonName(trades.exitReason[i]),
    ]);
  }
  return {
    kind: 'table',
    id: 'trade-table',
    title: `Trades (${trades.count})`,
    sortable: true,
    filterable: true,
    columns: [
      { key: 'n', label: '#', type: 'number' },
      ...(multi ? [{ key: 'symbol', label: 'Symbol', type: 'text' as const }] : []),
      { key: 'direction', label: 'Side', type: 'text' },
      { key: 'entryTime', label: 'Entry', type: 'time' },
      { key: 'exitTime', label: 'Exit', type: 'time' },
      { key: 'entryPrice', label: 'Entry price', type: 'number' },
      { key: 'exitPrice', label: 'Exit price', type: 'number' },
      { key: 'size', label: 'Size', type: 'number' },
      { key: 'fees', label: 'Fees', type: 'number', digits: 2 },
      { key: 'pnl', label: 'P&L', type: 'number', digits: 2 },
      { key: 'returnPct', label: 'Return [%]', type: 'number', digits: 2 },
      { key: 'bars', label: 'Bars held', type: 'number' },
      { key: 'exitReason', label: 'Exit reason', type: 'text' },
    ],
    rows,
  };
}

function drawdownTable(equity: Float64Array, time: Float64Array): TableBlock {
  const worst = drawdownPeriods(equity).slice(0, 5);
  return {
    kind: 'table',
    id: 'drawdowns',
    title: 'Worst 5 drawdown periods',
    sortable: true,
    filterable: false,
    columns: [
      { key: 'rank', label: '#', type: 'number' },
      { key: 'start', label: 'Start (peak)', type: 'time' },
      { key: 'trough', label: 'Trough', type: 'time' },
      { key: 'recovery', label: 'Recovery', type: 'time' },
      { key: 'depth', label: 'Depth [%]', type: 'number', digits: 2 },
      { key: 'bars', label: 'Length [bars]', type: 'number' },
      { key: 'days', label: 'Length [days]', type: 'number', digits: 1 },
    ],
    rows: worst.map((p, k) => [
      k + 1,
      time[p.start],
      time[p.trough],
      p.recovery === null ? 'not recovered' : time[p.recovery],
      p.depth * 100,
      p.bars,
      (time[p.recovery ?? time.length - 1] - time[p.start]) / 86_400_000,
    ]),
  };
}

function calendarBlocks(time: Float64Array, equity: Float64Array, cash: number): Block[] {
  const months = calendarReturns(time, equity, cash, 'month');
  const years = calendarReturns(time, equity, cash, 'year');
  const yearList = years.map((y) => y.year);
  const z = yearList.map((year) => MONTHS.map((_, m) => months.find((r) => r.year === year && r.month === m + 1)?.value ?? null));
  return [
    { kind: 'heatmap', id: 'monthly-returns', title: 'Monthly returns', xLabel: 'month', yLabel: 'year', x: MONTHS, y: yearList, z, valueLabel: 'Return over the month (equity at its last bar over the month before\'s; the first from the starting cash)', percent: true },
    {
      kind: 'table',
      id: 'yearly-returns',
      title: 'Yearly returns',
      sortable: true,
      filterable: false,
      columns: [
        { key: 'year', label: 'Year', type: 'text' },
        { key: 'return', label: 'Return [%]', type: 'number', digits: 2 },
      ],
      rows: years.map((y) => [y.period, y.value * 100]),
    },
  ];
}

function describeWindow(window: number, periodsPerYear: number): string {
  const days = (window / periodsPerYear) * 365.25;
  return `${window} bars, about ${days >= 2 ? `${Math.round(days)} days` : `${formatNumber(Number((days * 24).toPrecision(3)))} hours`}`;
}

export function backtestReport(input: BacktestReportInput): ReportDoc {
  const { backtest, bars, symbols } = input;
  const result = backtest.result;
  const time = bars[0].time;
  const equity = result.equity;
  const cash = backtest.settings.cash;
  const multi = bars.length > 1;
  const params = Object.entries(backtest.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const positions = 'positions' in result ? result.positions : [result.position];
  const sections: ReportSection[] = [];

  sections.push({
    id: 'price',
    title: multi ? 'Prices and trades' : 'Price and trades',
    blocks: bars.map((b, a) => ({
      kind: 'chart' as const,
      id: `price-${a}`,
      title: `${symbols[a] ?? b.symbol ?? `asset ${a}`} ${input.timeframe}: close, entries (blue up: long, orange down: short) and exits (black squares)`,
      x: time,
      xIsTime: true,
      series: [{ label: `${symbols[a] ?? 'close'} close`, values: b.close, color: '#34495e' }],
      ohlc: { open: b.open, high: b.high, low: b.low, close: b.close },
      markers: tradeMarkers(result, a),
      yLabel: 'price',
    })),
  });

  const hold = buyAndHold(bars, cash);
  const dd = underwater(equity);
  const window = rollingWindow(equity.length, input.periodsPerYear);
  sections.push({
    id: 'equity',
    title: 'Equity and drawdowns',
    blocks: [
      {
        kind: 'chart',
        id: 'equity-chart',
        title: `Equity against buy-and-hold${multi ? ' (equal weights)' : ''} of the starting cash`,
        x: time,
        xIsTime: true,
        series: [
          { label: 'strategy', values: equity, color: '#1f77b4' },
          { label: multi ? 'buy & hold (equal weights)' : 'buy & hold', values: hold, color: '#999999' },
        ],
        yLabel: 'equity',
      },
      { kind: 'chart', id: 'underwater', title: 'Underwater: equity below its running peak', x: time, xIsTime: true, percent: true, series: [{ label: 'drawdown', values: dd, style: 'area', color: '#d62728' }] },
      drawdownTable(equity, time),
      {
        kind: 'chart',
        id: 'rolling-sharpe',
        title: `Rolling Sharpe (trailing ${describeWindow(window, input.periodsPerYear)}; annualized as the Sharpe metric${input.recordedSettings.riskFreeRate ? `, risk-free ${formatNumber(input.recordedSettings.riskFreeRate * 100)}%` : ''})`,
        x: time,
        xIsTime: true,
        series: [{ label: 'rolling Sharpe', values: rollingSharpe(equity, window, input.periodsPerYear, input.recordedSettings.riskFreeRate ?? 0), color: '#9467bd' }],
      },
    ],
  });

  sections.push({ id: 'returns', title: 'Calendar returns', blocks: calendarBlocks(time, equity, cash) });

  const closed: number[] = [];
  for (let i = 0; i < result.trades.count; i++) if (!result.trades.isOpen[i]) closed.push(result.trades.returnPct[i] / 100);
  const bins = histogramBins(closed);
  const mean = closed.length ? closed.reduce((s, v) => s + v, 0) / closed.length : NaN;
  sections.push({
    id: 'trades',
    title: 'Trades',
    blocks: [
      closed.length > 0
        ? { kind: 'histogram', id: 'trade-returns', title: `Distribution of closed trade returns (${closed.length} trades)`, edges: bins.edges, counts: bins.counts, xLabel: 'return per trade', percent: true, lines: [{ at: 0, label: '0' }, { at: mean, label: `mean ${(mean * 100).toFixed(2)}%` }] }
        : { kind: 'text', paragraphs: ['No closed trades: no distribution of trade returns to show.'] },
      tradeTable(input),
    ],
  });

  if (multi) {
    const closes = bars.map((b) => b.close);
    const pnl = assetPnl(result.orders, positions, closes);
    const weights = assetWeights(positions, closes, equity);
    sections.push({
      id: 'assets',
      title: 'Per asset',
      blocks: [
        { kind: 'chart', id: 'asset-pnl', title: 'P&L per asset (holding at the close minus what its orders cost, fees included)', x: time, xIsTime: true, series: pnl.map((values, a) => ({ label: symbols[a] ?? `asset ${a}`, values })), yLabel: 'P&L' },
        { kind: 'chart', id: 'asset-weights', title: 'Weight per asset (holding over equity at the close; negative when short)', x: time, xIsTime: true, percent: true, series: weights.map((values, a) => ({ label: symbols[a] ?? `asset ${a}`, values, style: 'step' as const })) },
      ],
    });
  }

  const metrics = backtest.metrics as unknown as Record<string, unknown>;
  sections.push({
    id: 'metrics',
    title: 'Metrics',
    blocks: [{ kind: 'kv', rows: METRIC_KEYS.map((k) => ({ key: METRIC_DESCRIPTIONS[k].label, value: metricValue(k, metrics[k]), note: METRIC_DESCRIPTIONS[k].description })) }],
  });

  sections.push({
    id: 'settings',
    title: 'Settings and data',
    blocks: [
      {
        kind: 'kv',
        rows: [
          { key: 'Run', value: input.runId === null ? 'not recorded' : String(input.runId) },
          { key: 'Strategy', value: `${input.strategy}${params ? ` ${params}` : ''}` },
          { key: 'Data', value: `${symbols.join(', ')} ${input.timeframe}, ${input.from} .. ${input.to}, ${formatNumber(time.length)} bars` },
          { key: 'Data fingerprint', value: input.dataFingerprint, note: 'SHA-256 of the bars (first 16 hex digits): rrr report re-runs the run only on data with this fingerprint.' },
          { key: 'Periods per year', value: formatNumber(input.periodsPerYear), ...(input.recordedSettings.periodsPerYearReason ? { note: input.recordedSettings.periodsPerYearReason } : {}) },
          ...describeSettings(input.recordedSettings).map(([key, value]) => ({ key, value })),
        ],
      },
    ],
  });

  return {
    title: `${input.strategy} on ${symbols.join(', ')} ${input.timeframe}${input.runId === null ? '' : ` (run ${input.runId})`}`,
    subtitle: `${params ? `${params}; ` : ''}${input.from} .. ${input.to}; return ${metricValue('totalReturnPct', metrics.totalReturnPct)}%, Sharpe ${metricValue('sharpe', metrics.sharpe)}, max drawdown ${metricValue('maxDrawdownPct', metrics.maxDrawdownPct)}%`,
    sections,
    footer: `Written by rrr${input.version ? ` ${input.version}` : ''} at ${formatTime(Date.now())}; data fingerprint ${input.dataFingerprint}.`,
  };
}
