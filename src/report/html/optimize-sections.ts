/**
 * The HTML report of rrr optimize, as sections of blocks: what was searched, the winner beside its overfitting
 * statistics and its equity, the ranked trials, the objective heatmap and per-parameter sensitivity. Everything
 * comes from the OptimizeSummary the terminal report prints (the heatmap pair, sensitivity and statistics are
 * the summary's own); only the winner's equity is new, from its re-run.
 */
import { METRIC_DESCRIPTIONS, type MetricKey } from '../../engine/metrics.js';
import type { OptimizeSummary, RankedTrial, Sensitivity } from '../../research/optimize/summary.js';
import type { ParamValue } from '../../research/search/space.js';
import { overfittingBlock } from './overfitting-sections.js';
import type { Block, ChartBlock, HeatmapBlock, KeyValueBlock, ReportDoc, ReportSection, TableBlock, TableColumn } from './types.js';

/** The winner re-run over the whole data: what its equity chart draws. */
export interface WinnerEquity {
  /** Bar times, epoch ms. */
  time: ArrayLike<number>;
  equity: ArrayLike<number>;
  /** The same starting cash held in the traded asset (single-asset runs). */
  buyAndHold?: ArrayLike<number>;
}

export interface OptimizeReportInput {
  summary: OptimizeSummary;
  /** Every complete trial, ranked (the summary's `top` holds only --top of them); default: summary.top. */
  ranked?: readonly RankedTrial[];
  winnerEquity?: WinnerEquity;
}

/** Beyond this many ranked trials the table keeps the best ones and says so (a table is never downsampled). */
export const MAX_TABLE_TRIALS = 5000;

const label = (key: string) => METRIC_DESCRIPTIONS[key as MetricKey]?.label ?? key;

/** A parameter value as a heatmap or table cell: booleans as words. */
const cell = (v: ParamValue | undefined): number | string | null => (v === undefined ? null : typeof v === 'boolean' ? String(v) : v);

function searchBlock(s: OptimizeSummary): KeyValueBlock {
  const t = s.trials;
  const rows: KeyValueBlock['rows'] = [
    ...(s.study === undefined ? [] : [{ key: 'Study', value: s.study }]),
    { key: 'Strategy', value: s.strategy },
    { key: 'Data', value: `${s.symbols.join(', ')} ${s.timeframe}, ${s.from} .. ${s.to}` },
    { key: 'Data fingerprint', value: s.dataFingerprint },
    { key: 'Search', value: `${s.method}${s.seed === undefined ? '' : ` (seed ${s.seed})`}, ${s.direction} ${s.objective}${s.constraints.length ? `, subject to ${s.constraints.join(', ')}` : ''}` },
    {
      key: 'Trials',
      value: `${t.finished}${t.total === undefined ? '' : ` of ${t.total}`} finished: ${t.complete} complete, ${t.pruned} pruned, ${t.failed} failed`,
      ...(t.rejected > 0 ? { note: `${t.rejected} of the pruned were rejected by the strategy's own check before running.` } : {}),
    },
  ];
  if (s.interrupted) rows.push({ key: 'Interrupted', value: 'Ctrl-C stopped the search: everything below covers the trials that finished.' });
  return { kind: 'kv', rows };
}

function winnerSection(input: OptimizeReportInput): ReportSection {
  const { summary: s, winnerEquity } = input;
  const blocks: Block[] = [];
  if (s.winner) {
    const w = s.winner;
    blocks.push({
      kind: 'kv',
      title: `Winner: trial ${w.number}`,
      rows: [
        { key: `${label(s.objective)} (objective)`, value: String(Number(w.value.toPrecision(6))) },
        ...Object.entries(w.params).map(([k, v]) => ({ key: k, value: String(v) })),
        { key: 'Run it alone', value: w.command },
      ],
    });
  } else {
    blocks.push({ kind: 'text', paragraphs: ['No trial completed: there is no winner (see the pruned and failed counts above).'] });
  }
  blocks.push(overfittingBlock(s.overfitting));
  if (s.winner && winnerEquity) blocks.push(winnerEquityChart(winnerEquity, s.winner.number));
  return { id: 'winner', title: 'Winner and overfitting', blocks };
}

export function winnerEquityChart(e: WinnerEquity, trial: number): ChartBlock {
  return {
    kind: 'chart',
    id: 'winner-equity',
    title: `Equity of the winner (trial ${trial}) over the whole data`,
    x: e.time,
    xIsTime: true,
    series: [{ label: 'Winner', values: e.equity }, ...(e.buyAndHold ? [{ label: 'Buy and hold', values: e.buyAndHold }] : [])],
    yLabel: 'Equity',
  };
}

/** Metric columns beside the objective: every metric any ranked trial has, the objective left out. */
function metricKeys(ranked: readonly RankedTrial[], objective: string): string[] {
  const keys = new Set<string>();
  for (const t of ranked) for (const k of Object.keys(t.metrics)) keys.add(k);
  keys.delete(objective);
  return [...keys];
}

export function rankedTable(s: OptimizeSummary, ranked: readonly RankedTrial[]): TableBlock {
  const shown = ranked.slice(0, MAX_TABLE_TRIALS);
  const params = Object.keys(shown[0]?.params ?? {});
  const metrics = metricKeys(shown, s.objective);
  const numeric = (p: string) => shown.every((t) => typeof t.params[p] === 'number');
  const digits = (k: string) => (['count', 'bars'].includes(METRIC_DESCRIPTIONS[k as MetricKey]?.unit ?? '') ? 0 : 4);
  const columns: TableColumn[] = [
    { key: 'rank', label: 'Rank', type: 'number', digits: 0 },
    { key: 'trial', label: 'Trial', type: 'number', digits: 0 },
    ...params.map((p): TableColumn => ({ key: `param-${p}`, label: p, type: numeric(p) ? 'number' : 'text' })),
    { key: 'objective', label: `${label(s.objective)} (objective)`, type: 'number', digits: 4 },
    ...metrics.map((k): TableColumn => ({ key: k, label: label(k), type: 'number', digits: digits(k) })),
  ];
  const title = ranked.length > shown.length ? `The best ${shown.length} of ${ranked.length} complete trials, by ${s.objective}` : `All ${shown.length} complete trials, by ${s.objective}`;
  return {
    kind: 'table',
    id: 'trials-table',
    title,
    columns,
    rows: shown.map((t) => [t.rank, t.number, ...params.map((p) => cell(t.params[p])), t.value, ...metrics.map((k) => t.metrics[k as MetricKey] ?? null)]),
    sortable: true,
    filterable: true,
  };
}

/** The summary's heatmap (the two parameters with the largest sensitivity spread), cell for cell. */
export function heatmapBlock(s: OptimizeSummary): HeatmapBlock | undefined {
  const h = s.heatmap;
  if (!h) return undefined;
  return {
    kind: 'heatmap',
    id: 'objective-heatmap',
    title: `Best ${s.objective} over ${h.y} (rows) and ${h.x} (columns)`,
    xLabel: h.x,
    yLabel: h.y,
    x: h.xValues.map((v) => cell(v)!),
    y: h.yValues.map((v) => cell(v)!),
    z: h.cells.map((row) => [...row]),
    valueLabel: s.objective,
    higherIsBetter: s.direction === 'maximize',
  };
}

/** Where a sensitivity point sits on a numeric axis: the value, or the middle of a binned range "low..high". */
function position(v: ParamValue): number | undefined {
  if (typeof v === 'number') return v;
  const range = typeof v === 'string' ? /^(-?[\d.e+-]+)\.\.(-?[\d.e+-]+)$/.exec(v) : null;
  if (!range) return undefined;
  const [lo, hi] = [Number(range[1]), Number(range[2])];
  return Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : undefined;
}

/** A chart of the best objective at each value of a numeric parameter; a table for choices and booleans. */
export function sensitivityBlock(sens: Sensitivity, objective: string): Block {
  const xs = sens.points.map((p) => position(p.value));
  const title = `${sens.param}: the best ${objective} at each value (spread ${Number(sens.spread.toPrecision(4))})`;
  if (xs.every((x) => x !== undefined)) {
    const order = sens.points.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
    const binned = sens.points.some((p) => typeof p.value === 'string');
    return {
      kind: 'chart',
      id: `sensitivity-${sens.param}`,
      title: binned ? `${title}; x is the middle of each bin` : title,
      x: order.map((i) => xs[i]!),
      xIsTime: false,
      series: [{ label: `best ${objective}`, values: order.map((i) => sens.points[i].best) }],
      yLabel: objective,
    };
  }
  return {
    kind: 'table',
    id: `sensitivity-${sens.param}`,
    title,
    columns: [
      { key: 'value', label: sens.param, type: 'text' },
      { key: 'best', label: `best ${objective}`, type: 'number', digits: 4 },
      { key: 'trials', label: 'trials', type: 'number', digits: 0 },
    ],
    rows: sens.points.map((p) => [String(p.value), p.best, p.trials]),
    sortable: true,
  };
}

export function optimizeSections(input: OptimizeReportInput): ReportSection[] {
  const s = input.summary;
  const ranked = input.ranked ?? s.top;
  const sections: ReportSection[] = [
    { id: 'search', title: 'Search', blocks: [searchBlock(s)] },
    winnerSection(input),
    {
      id: 'trials',
      title: 'Ranked trials',
      blocks: ranked.length > 0 ? [rankedTable(s, ranked)] : [{ kind: 'text', paragraphs: ['No trial completed: nothing to rank.'] }],
    },
  ];
  const map = heatmapBlock(s);
  if (map) sections.push({ id: 'heatmap', title: 'Objective heatmap', blocks: [{ kind: 'text', paragraphs: [`The two parameters whose values move the best ${s.objective} most (largest sensitivity spread); each cell is the best complete trial there, blank where none completed.`] }, map] });
  sections.push({
    id: 'sensitivity',
    title: 'Sensitivity',
    blocks:
      s.sensitivity.length > 0
        ? [{ kind: 'text', paragraphs: [`The best ${s.objective} any complete trial reached at each value of a parameter, whatever the others were.`] }, ...s.sensitivity.map((x) => sensitivityBlock(x, s.objective))]
        : [{ kind: 'text', paragraphs: ['No parameter took two values or more in complete trials.'] }],
  });
  return sections;
}

export function optimizeReport(input: OptimizeReportInput): ReportDoc {
  const s = input.summary;
  return {
    title: `Optimize ${s.strategy}${s.study === undefined ? '' : ` (study ${s.study})`}`,
    subtitle: `${s.symbols.join(', ')} ${s.timeframe}, ${s.from} .. ${s.to}; ${s.method} search, ${s.direction} ${s.objective}`,
    sections: optimizeSections(input),
    footer: `Data fingerprint ${s.dataFingerprint}`,
  };
}
