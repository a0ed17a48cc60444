/**
 * Recorded runs side by side (`rrr runs compare`): what they ran on, the settings that differ, every metric with
 * the better value marked.
 */
import type { RunRecord } from '../data/runs.js';
import { METRIC_DESCRIPTIONS, METRIC_KEYS, type MetricKey } from '../engine/metrics.js';
import { roundMetric } from './backtest.js';
import { describeSettings, type RecordedSettings } from './settings.js';
import { formatCell, renderTable } from './table.js';

export type Better = 'higher' | 'lower';

/**
 * Which way each metric is better, where one is: the one table of directions (optimize asks for --minimize
 * instead). Left out, and never marked: times, the data's own figures (bars, duration, buy and hold), and
 * figures that describe a run without ranking it (exposure, trade count, holding time, excess kurtosis).
 * Drawdowns, VaR and CVaR are recorded as positive losses, so lower is better.
 */
export const METRIC_BETTER: Readonly<Partial<Record<MetricKey, Better>>> = {
  finalEquity: 'higher',
  totalReturnPct: 'higher',
  cagrPct: 'higher',
  annualVolatilityPct: 'lower',
  sharpe: 'higher',
  sortino: 'higher',
  calmar: 'higher',
  maxDrawdownPct: 'lower',
  averageDrawdownPct: 'lower',
  maxDrawdownDurationBars: 'lower',
  maxDrawdownDurationDays: 'lower',
  valueAtRisk95Pct: 'lower',
  conditionalValueAtRisk95Pct: 'lower',
  skew: 'higher',
  winRatePct: 'higher',
  bestTradePct: 'higher',
  worstTradePct: 'higher',
  averageTradePct: 'higher',
  expectancy: 'higher',
  expectancyPct: 'higher',
  profitFactor: 'higher',
  sqn: 'higher',
  kellyPct: 'higher',
  feesPaid: 'lower',
};

/** Labels of what runs record beside the metric keys. */
const EXTRA_LABELS: Readonly<Record<string, string>> = { openTrades: 'Open trades (at the end)' };

/** One compared quantity: its value in each run, in the order of the runs. */
export interface ComparedValue {
  name: string;
  values: unknown[];
}

export interface ComparedMetric extends ComparedValue {
  label: string;
  better: Better | null;
  /** Ids of the runs holding the better value; empty when there is no direction, fewer than two numbers, or a tie of all. */
  best: number[];
}

export interface RunComparison {
  runs: { id: number; createdAt: string; strategy: string; symbols: string[]; timeframe: string; from: string; to: string; dataFingerprint: string; tags: string[] }[];
  /** Parameters whose values are not the same in every run (a parameter a run lacks counts as null). */
  params: ComparedValue[];
  /** Recorded settings (raw keys) whose values are not the same in every run. */
  settings: ComparedValue[];
  metrics: ComparedMetric[];
}

const same = (values: readonly unknown[]) => values.every((v) => JSON.stringify(v ?? null) === JSON.stringify(values[0] ?? null));

function differing(objects: readonly Record<string, unknown>[]): ComparedValue[] {
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  return keys.map((name) => ({ name, values: objects.map((o) => o[name] ?? null) })).filter((c) => !same(c.values));
}

/** The runs with the better value of one metric, by its direction; see ComparedMetric.best. */
export function betterRuns(ids: readonly number[], values: readonly unknown[], better: Better | null): number[] {
  if (better === null) return [];
  const numbers = values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
  const present = numbers.filter((v): v is number => v !== null);
  if (present.length < 2) return [];
  const target = better === 'higher' ? Math.max(...present) : Math.min(...present);
  if (present.every((v) => v === target)) return [];
  return ids.filter((_, k) => numbers[k] === target);
}

/** Runs side by side: every metric (those the runs recorded beyond today's keys too), in report order. */
export function compareRuns(runs: readonly RunRecord[]): RunComparison {
  const ids = runs.map((r) => r.id);
  const recorded = new Set(runs.flatMap((r) => Object.keys(r.metrics)));
  const keys = [...METRIC_KEYS.filter((k) => recorded.has(k)), ...[...recorded].filter((k) => !(METRIC_KEYS as readonly string[]).includes(k))];
  return {
    runs: runs.map(({ id, createdAt, strategy, symbols, timeframe, from, to, dataFingerprint, tags }) => ({ id, createdAt, strategy, symbols, timeframe, from, to, dataFingerprint, tags })),
    params: differing(runs.map((r) => r.params)),
    settings: differing(runs.map((r) => r.settings)),
    metrics: keys.map((name) => {
      const values = runs.map((r) => r.metrics[name] ?? null);
      const better = METRIC_BETTER[name as MetricKey] ?? null;
      return { name, label: METRIC_DESCRIPTIONS[name as MetricKey]?.label ?? EXTRA_LABELS[name] ?? name, values, better, best: betterRuns(ids, values, better) };
    }),
  };
}

/** The settings block of each run as sentences (report/settings.ts), keeping only the lines that differ. */
function differingSentences(runs: readonly RunRecord[]): [string, string[]][] {
  const described = runs.map((r) => new Map(describeSettings(r.settings as RecordedSettings)));
  const labels = [...new Set(described.flatMap((d) => [...d.keys()]))];
  return labels.map((label) => [label, described.map((d) => d.get(label) ?? '-')] as [string, string[]]).filter(([, values]) => !same(values));
}

/** The comparison as two tables: what ran (and the settings that differ), then every metric with the better marked. */
export function renderComparison(runs: readonly RunRecord[], comparison: RunComparison = compareRuns(runs)): string {
  const header = ['', ...runs.map((r) => `run ${r.id}`)];
  const about: unknown[][] = [
    ['Strategy', ...runs.map((r) => r.strategy)],
    ['Data', ...runs.map((r) => `${r.symbols.join(', ')} ${r.timeframe}`)],
    ['Period', ...runs.map((r) => `${r.from} .. ${r.to}`)],
    ['Fingerprint', ...runs.map((r) => r.dataFingerprint)],
  ];
  if (runs.some((r) => r.tags.length > 0)) about.push(['Tags', ...runs.map((r) => r.tags.join(' '))]);
  for (const p of comparison.params) about.push([`param ${p.name}`, ...p.values.map((v) => (v === null ? '-' : formatCell(v)))]);
  for (const [label, values] of differingSentences(runs)) about.push([label, ...values]);
  const stringCells = about.map((row) => row.map((c) => String(c)));

  // Values right-aligned within each run's column, then the mark, so the numbers line up.
  // A list (openTrades) is shown by its length; --json has it whole.
  const cell = (v: unknown) => (Array.isArray(v) ? String(v.length) : formatCell(roundMetric(v) ?? 'n/a'));
  const cells = comparison.metrics.map((m) => m.values.map(cell));
  const widths = runs.map((_, k) => Math.max(0, ...cells.map((row) => row[k].length)));
  const rows = comparison.metrics.map((m, i) => [
    m.label,
    ...cells[i].map((c, k) => `${c.padStart(widths[k])}${m.best.includes(runs[k].id) ? ' *' : ''}`),
    m.better ?? '',
  ]);
  const sameNote = comparison.params.length === 0 && comparison.settings.length === 0 ? ['', 'Parameters and settings are the same in every run.'] : [];
  return [
    renderTable(header, stringCells),
    ...sameNote,
    '',
    renderTable(['Metric', ...runs.map((r) => `run ${r.id}`), 'better'], rows),
    '',
    '* the better value, by the direction in the last column; metrics with no better direction are not marked.',
  ].join('\n');
}

/** A metric whose re-run value is not the recorded one. */
export interface MetricDifference {
  metric: string;
  recorded: unknown;
  now: unknown;
}

/**
 * Metrics of a re-run that differ from those recorded, compared as the store keeps them (JSON: NaN and the
 * infinities read back as null), so a bit-identical re-run compares equal and any other difference shows.
 */
export function metricDifferences(recorded: Readonly<Record<string, unknown>>, now: Readonly<Record<string, unknown>>): MetricDifference[] {
  const stored = JSON.parse(JSON.stringify(now)) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(stored)])];
  return keys
    .filter((k) => JSON.stringify(recorded[k] ?? null) !== JSON.stringify(stored[k] ?? null))
    .map((metric) => ({ metric, recorded: recorded[metric] ?? null, now: stored[metric] ?? null }));
}

/** One sentence: the re-run reproduced the recorded metrics, or which ones it did not. */
export function describeReproduction(runId: number, differences: readonly MetricDifference[]): string {
  if (differences.length === 0) return `Metrics: identical to run ${runId}'s, every one of them.`;
  const shown = differences.slice(0, 5).map((d) => `${d.metric} ${formatCell(d.recorded ?? 'null')} -> ${formatCell(d.now ?? 'null')}`);
  return `Metrics: ${differences.length} ${differences.length === 1 ? 'differs' : 'differ'} from run ${runId}'s: ${shown.join('; ')}${differences.length > 5 ? '; ...' : ''}.`;
}
