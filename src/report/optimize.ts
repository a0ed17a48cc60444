/** The terminal report of rrr optimize: ranked trials, the winner's command line, sensitivity, heatmap, overfitting. */
import { METRIC_DESCRIPTIONS, type MetricKey } from '../engine/metrics.js';
import type { Heatmap, OptimizeSummary, Sensitivity } from '../research/optimize/summary.js';
import { formatCell, formatNumber, renderPairs, renderTable, significant } from './table.js';
import { threadsText } from './threads.js';

/** 4 decimals for everyday magnitudes, 4 significant digits below 1. */
const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? (Math.abs(x) >= 1 ? Number(x.toFixed(4)) : significant(x, 4)) : x);

/** The metric columns of the ranked table: the objective first, then constraints' metrics and the usual ones. */
function metricColumns(summary: OptimizeSummary): MetricKey[] {
  const keys = new Set<string>();
  for (const t of summary.top) for (const k of Object.keys(t.metrics)) keys.add(k);
  keys.delete(summary.objective);
  return [...keys] as MetricKey[];
}

export function renderRanked(summary: OptimizeSummary): string {
  if (summary.top.length === 0) return 'No trial completed: nothing to rank (see the pruned and failed counts above).';
  const params = Object.keys(summary.top[0].params);
  const metrics = metricColumns(summary);
  const label = (k: string) => METRIC_DESCRIPTIONS[k as MetricKey]?.label ?? k;
  return renderTable(
    ['rank', 'trial', ...params, `${label(summary.objective)} (objective)`, ...metrics.map(label)],
    summary.top.map((t) => [t.rank, t.number, ...params.map((p) => t.params[p] as unknown), num(t.value), ...metrics.map((k) => num(t.metrics[k]) ?? 'n/a')]),
  );
}

export function renderSensitivity(list: readonly Sensitivity[], objective: string): string {
  if (list.length === 0) return 'Sensitivity: no parameter took two values or more in complete trials.';
  const lines = [`Sensitivity: the best ${objective} at each value of a parameter (trials there).`];
  for (const s of list) {
    lines.push(`  ${s.param} (spread ${formatNumber(Number(num(s.spread)))}): ${s.points.map((p) => `${formatCell(p.value)}: ${formatCell(num(p.best))} (${p.trials})`).join(', ')}`);
  }
  return lines.join('\n');
}

/** Darker is better: ten shades from the worst cell to the best, blank where no complete trial fell. */
const SHADES = ' .:-=+*#%@';

export function renderHeatmap(map: Heatmap, objective: string, direction: 'minimize' | 'maximize'): string {
  const values = map.cells.flat().filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const shade = (v: number | null) => {
    if (v === null) return '  ';
    const t = hi > lo ? (v - lo) / (hi - lo) : 1;
    const goodness = direction === 'minimize' ? 1 - t : t;
    const c = SHADES[Math.max(1, Math.min(SHADES.length - 1, Math.round(goodness * (SHADES.length - 1))))];
    return c + c;
  };
  const yLabels = map.yValues.map((v) => formatCell(v));
  const width = Math.max(map.y.length, ...yLabels.map((l) => l.length));
  const lines = [`Heatmap of the best ${objective}: ${map.y} (rows) x ${map.x} (columns); darker is better ('${SHADES[1]}' ${formatNumber(Number(num(direction === 'minimize' ? hi : lo)))} .. '${SHADES[SHADES.length - 1]}' ${formatNumber(Number(num(direction === 'minimize' ? lo : hi)))}, blank: no complete trial).`];
  lines.push(`${map.y.padStart(width)} |`);
  map.cells.forEach((row, r) => lines.push(`${yLabels[r].padStart(width)} |${row.map(shade).join('')}`));
  lines.push(`${''.padStart(width)} +${'-'.repeat(2 * map.xValues.length)}`);
  const first = formatCell(map.xValues[0]);
  const last = formatCell(map.xValues[map.xValues.length - 1]);
  lines.push(`${''.padStart(width)}  ${first}${last.padStart(Math.max(1, 2 * map.xValues.length - first.length))}  ${map.x}`);
  return lines.join('\n');
}

export function renderOverfitting(summary: OptimizeSummary): string {
  const o = summary.overfitting;
  const f = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));
  const pairs: [string, unknown][] = [['Trials run (N)', o.trialsRun], ['Returns per trial (T)', o.observations]];
  if (o.pbo) pairs.push(['PBO (CSCV)', `${f(o.pbo.pbo)}  (${o.pbo.splits} blocks, ${o.pbo.combinations} splits: the share where the in-sample best ranks at or below the out-of-sample median)`]);
  else pairs.push(['PBO (CSCV)', 'n/a']);
  if (o.winner) {
    pairs.push(
      ['Winner Sharpe (per bar)', f(o.winner.sharpe)],
      ['PSR (vs Sharpe 0)', f(o.winner.psr)],
      [`DSR (${o.trialsRun} trials)`, o.winner.dsr === null ? 'n/a' : `${f(o.winner.dsr)}  (SR0, the best per-bar Sharpe expected of luck alone: ${f(o.winner.deflationBenchmark)}; variance of the trials' Sharpe ratios ${o.sharpeVariance === null ? 'n/a' : o.sharpeVariance.toPrecision(4)})`],
      ['MinTRL (95%)', o.winner.minTrackRecordLength === null ? 'none: the Sharpe ratio is not above 0' : `${Math.ceil(o.winner.minTrackRecordLength)} bars (the trial has ${o.observations})`],
    );
  }
  return ['Overfitting (the winner, given every trial that ran):', renderPairs(pairs), ...o.notes].join('\n');
}

/** A grid counts its points (those the strategy's check rejects included); random and TPE the trials run. */
function trialLine(summary: OptimizeSummary): string {
  const t = summary.trials;
  const rejected = t.rejected > 0 ? ` (${t.rejected} rejected by the strategy's check)` : '';
  if (summary.method === 'grid') return `${t.finished}${t.total === undefined ? '' : ` of ${t.total}`} grid points: ${t.complete} complete, ${t.pruned} pruned${rejected}, ${t.failed} failed`;
  const ran = t.finished - t.rejected;
  const extra = t.rejected > 0 ? `; ${t.rejected} more proposals were rejected by the strategy's check before running` : '';
  return `${ran}${t.total === undefined ? '' : ` of ${t.total}`} run: ${t.complete} complete, ${t.pruned - t.rejected} pruned, ${t.failed} failed${extra}`;
}

/** The whole report. */
export function renderOptimize(summary: OptimizeSummary): string {
  const t = summary.trials;
  const header: [string, unknown][] = [
    ...(summary.study === undefined ? [] : ([['Study', summary.study]] as [string, unknown][])),
    ['Strategy', summary.strategy],
    ['Data', `${summary.symbols.join(', ')} ${summary.timeframe}, ${summary.from} .. ${summary.to} (fingerprint ${summary.dataFingerprint})`],
    ['Search', `${summary.method}${summary.seed === undefined ? '' : ` (seed ${summary.seed})`}, ${summary.direction} ${summary.objective}${summary.constraints.length ? `, subject to ${summary.constraints.join(', ')}` : ''}`],
    ['Trials', `${trialLine(summary)}${summary.interrupted ? ' (interrupted: the results below cover the finished trials)' : ''}`],
    ...(summary.threads === undefined ? [] : ([['Threads', threadsText(summary.threads)]] as [string, unknown][])),
  ];
  const parts = [renderPairs(header), '', `Top ${summary.top.length} by ${summary.objective}:`, renderRanked(summary)];
  if (summary.winner) parts.push('', `Winner (trial ${summary.winner.number}, ${summary.objective} ${formatCell(num(summary.winner.value))}); run it alone with:`, `  ${summary.winner.command}`);
  parts.push('', renderSensitivity(summary.sensitivity, summary.objective));
  if (summary.heatmap) parts.push('', renderHeatmap(summary.heatmap, summary.objective, summary.direction));
  parts.push('', renderOverfitting(summary));
  return parts.join('\n');
}
