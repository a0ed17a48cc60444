/**
 * The HTML report of rrr montecarlo, as sections of blocks: what was resampled, the fan chart of the equity
 * percentile bands, the final-return and max-drawdown histograms over the paths with the actual backtest's value
 * as a reference line, the distribution table and the probability of ruin. Bands, distributions, ranks and ruin
 * are the MonteCarloResult's own; only the histograms' bins are counted here, from its per-path columns.
 */
import type { MonteCarloJobResult } from '../../research/montecarlo/job.js';
import { quantileSorted, type Distribution } from '../../research/montecarlo/summary.js';
import { METHOD_WORDS, pct } from '../montecarlo.js';
import { histogramBins } from './backtest-stats.js';
import type { ChartBlock, HistogramBlock, KeyValueBlock, ReportDoc, ReportSection, TableBlock } from './types.js';

/**
 * The share of paths left beyond each end of a histogram's axis: a compounding bootstrap's few luckiest
 * paths can end a hundred times higher than the rest, which would squeeze every other path into one bin.
 */
export const HISTOGRAM_TAIL = 0.005;

export interface PathHistogram {
  edges: number[];
  counts: number[];
  /** Paths below the first edge and above the last (not drawn). */
  below: number;
  above: number;
}

/**
 * The histogram (histogramBins: the same binning as the backtest report's) of a per-path column between its
 * HISTOGRAM_TAIL and 1 - HISTOGRAM_TAIL quantiles, widened to take in the actual value; the paths beyond are
 * counted, not drawn. Non-finite values are left out.
 */
export function pathHistogram(values: ArrayLike<number>, actual: number): PathHistogram {
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  let lo = quantileSorted(sorted, HISTOGRAM_TAIL);
  let hi = quantileSorted(sorted, 1 - HISTOGRAM_TAIL);
  if (Number.isFinite(actual)) {
    lo = Math.min(lo, actual);
    hi = Math.max(hi, actual);
  }
  const kept: number[] = [];
  let below = 0;
  let above = 0;
  for (const v of sorted) {
    if (v < lo) below++;
    else if (v > hi) above++;
    else kept.push(v);
  }
  return { ...histogramBins(kept), below, above };
}

/** " (12 paths above 3000.00% and 1 path below -90.00% not drawn)" when any are beyond the axis. */
function beyond(h: PathHistogram): string {
  const paths = (n: number) => `${n} path${n === 1 ? '' : 's'}`;
  const parts = [h.above > 0 ? `${paths(h.above)} above ${pct(h.edges[h.edges.length - 1])}` : '', h.below > 0 ? `${paths(h.below)} below ${pct(h.edges[0])}` : ''].filter(Boolean);
  return parts.length === 0 ? '' : ` (${parts.join(' and ')} not drawn)`;
}


function settingsBlock(job: MonteCarloJobResult): KeyValueBlock {
  const { backtest: b, input, result: r } = job;
  const s = r.settings;
  const params = Object.entries(b.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  return {
    kind: 'kv',
    rows: [
      { key: 'Paths', value: `${s.runs} of ${s.steps} ${input.kind === 'trades' ? 'trades' : 'bars'}, seed ${s.seed}` },
      { key: 'Method', value: `${METHOD_WORDS[s.method] ?? s.method}${s.blockLength === null ? '' : `, mean block length ${s.blockLength.toFixed(2)} bars`}` },
      { key: 'Resampled', value: `${input.kind === 'trades' ? 'closed trade returns' : 'per-bar returns of the equity curve'}; ${input.sizingReason}` },
      { key: 'Backtest', value: `${b.strategy}${params ? ` ${params}` : ''} on ${b.symbols.join(', ')} ${b.timeframe}, ${b.from} .. ${b.to}${b.runId === null ? '' : ` (run ${b.runId}, re-run, not recorded again)`}` },
      { key: 'Actual return', value: `${pct(b.totalReturn)}, ${b.closedTrades} closed trades` },
      { key: 'Data fingerprint', value: b.dataFingerprint },
    ],
  };
}

/** One hue, darker toward the middle: a fan reads as one distribution, not five series. */
const OUTER = '#9ecae1';
const INNER = '#4292c6';
const MEDIAN = '#08306b';

/** The five percentile bands over the sampled steps, with the 5-95 and 25-75 ranges filled between them. */
export function fanChart(job: MonteCarloJobResult): ChartBlock {
  const b = job.result.bands;
  const unit = job.input.kind === 'trades' ? 'trades' : 'bars';
  // A band series draws only the fill between its two labels; its own values are gaps.
  const gaps = new Float64Array(b.steps.length).fill(Number.NaN);
  return {
    kind: 'chart',
    id: 'mc-fan',
    title: `Equity across ${job.result.settings.runs} paths: percentile bands after each number of ${unit}`,
    x: Array.from(b.steps),
    xIsTime: false,
    series: [
      { label: '5%', values: b.p5, color: OUTER },
      { label: '25%', values: b.p25, color: INNER },
      { label: 'median', values: b.p50, color: MEDIAN },
      { label: '75%', values: b.p75, color: INNER },
      { label: '95%', values: b.p95, color: OUTER },
      { label: '5% to 95%', values: gaps, band: { lower: '5%', upper: '95%' }, color: OUTER },
      { label: '25% to 75%', values: gaps, band: { lower: '25%', upper: '75%' }, color: INNER },
    ],
    yLabel: 'Equity',
  };
}

function pathsHistogram(id: string, what: string, values: Float64Array, actual: number): HistogramBlock {
  const h = pathHistogram(values, actual);
  return {
    kind: 'histogram',
    id,
    title: `${what[0].toUpperCase()}${what.slice(1)} across paths${beyond(h)}`,
    edges: h.edges,
    counts: h.counts,
    xLabel: what,
    percent: true,
    lines: [{ at: actual, label: `actual ${pct(actual)}` }],
  };
}

export const finalReturnHistogram = (job: MonteCarloJobResult) => pathsHistogram('mc-final-return', 'final return', job.result.paths.finalReturn, job.result.actual.finalReturn);
export const maxDrawdownHistogram = (job: MonteCarloJobResult) => pathsHistogram('mc-max-drawdown', 'max drawdown', job.result.paths.maxDrawdown, job.result.actual.maxDrawdown);

function distributionTable(job: MonteCarloJobResult): TableBlock {
  const r = job.result;
  const percent = (x: number | null) => (x === null ? null : x * 100);
  const row = (label: string, d: Distribution | null, actual: number, rank: number | null, scale: (x: number | null) => number | null) => [
    label,
    ...[d?.p5, d?.p25, d?.p50, d?.p75, d?.p95, d?.mean, actual].map((x) => scale(x ?? null)),
    rank === null || !Number.isFinite(rank) ? null : rank,
  ];
  const same = (x: number | null) => x;
  return {
    kind: 'table',
    id: 'mc-distribution-table',
    title: `Across paths (Sharpe ${job.input.sharpeUnit}; actual rank: the share of paths below the actual value, ties counting half, in %)`,
    columns: [
      { key: 'what', label: '', type: 'text' },
      ...(['5%', '25%', '50%', '75%', '95%', 'mean', 'actual'] as const).map((l) => ({ key: l, label: l, type: 'number' as const, digits: 3 })),
      { key: 'rank', label: 'actual rank %', type: 'number', digits: 1 },
    ],
    rows: [
      row('final return %', r.finalReturn, r.actual.finalReturn, r.actual.finalReturnRank, percent),
      row('max drawdown %', r.maxDrawdown, r.actual.maxDrawdown, r.actual.maxDrawdownRank, percent),
      row('Sharpe', r.sharpe, r.actual.sharpe, r.actual.sharpeRank, same),
    ],
  };
}

export const RUIN_NOTE = 'The share of paths whose equity fell to the ruin level at any step, with its 95% Wilson interval.';

function ruinBlock(job: MonteCarloJobResult): KeyValueBlock {
  const ruin = job.result.ruin;
  return {
    kind: 'kv',
    title: 'Probability of ruin',
    rows: [
      { key: `Ruin (equity at or below ${pct(ruin.level, 0)} of the start)`, value: pct(ruin.probability), note: RUIN_NOTE },
      { key: 'Paths ruined', value: `${ruin.ruined} of ${ruin.runs}` },
      { key: '95% interval', value: `${pct(ruin.ci95[0])} .. ${pct(ruin.ci95[1])}` },
    ],
  };
}

export function monteCarloSections(job: MonteCarloJobResult): ReportSection[] {
  const r = job.result;
  const histograms = [...(r.finalReturn === null ? [] : [finalReturnHistogram(job)]), maxDrawdownHistogram(job)];
  return [
    { id: 'mc-settings', title: 'Monte Carlo', blocks: [settingsBlock(job)] },
    { id: 'mc-bands', title: 'Equity paths', blocks: [fanChart(job)] },
    {
      id: 'mc-distributions',
      title: 'Distributions',
      blocks: [...histograms, distributionTable(job), ...(r.notes.length > 0 ? [{ kind: 'text' as const, paragraphs: [...r.notes] }] : [])],
    },
    { id: 'mc-ruin', title: 'Ruin', blocks: [ruinBlock(job)] },
  ];
}

export function monteCarloReport(job: MonteCarloJobResult): ReportDoc {
  const b = job.backtest;
  return {
    title: `Monte Carlo of ${b.strategy}`,
    subtitle: `${b.symbols.join(', ')} ${b.timeframe}, ${b.from} .. ${b.to}; ${job.result.settings.runs} paths, ${job.result.settings.method}`,
    sections: monteCarloSections(job),
    footer: `Data fingerprint ${b.dataFingerprint}`,
  };
}
