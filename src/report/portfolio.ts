import { METRIC_DESCRIPTIONS, METRIC_KEYS } from '../engine/metrics.js';
import type { PortfolioJobResult } from '../research/portfolio/index.js';
import { describeSettings, type RecordedSettings } from './settings.js';
import { formatNumber, renderPairs, renderTable, significant } from './table.js';

const metric = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? (Math.abs(x) >= 1 ? Number(x.toFixed(4)) : significant(x, 4)) : x);
const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? 'n/a' : `${formatNumber(Number((x * 100).toPrecision(4)))}%`);

/** What was optimised how, in words: the method, its estimates and its constraints. */
function methodLine(job: PortfolioJobResult): string {
  const p = job.params;
  const parts = [String(p.method)];
  if (p.targetReturn !== undefined) parts.push(`at ${pct(p.targetReturn as number)} a year`);
  if (p.targetRisk !== undefined) parts.push(`at ${pct(p.targetRisk as number)} volatility a year`);
  parts.push(`${p.covariance} covariance`, p.longOnly ? 'long only' : 'long-short');
  if (p.minWeight !== undefined) parts.push(`weights >= ${formatNumber(p.minWeight as number)}`);
  if (p.maxWeight !== undefined) parts.push(`weights <= ${formatNumber(p.maxWeight as number)}`);
  if (p.maxTurnover !== undefined) parts.push(`turnover <= ${formatNumber(p.maxTurnover as number)} per rebalance`);
  if (Array.isArray(p.views)) parts.push(`${p.views.length} view${p.views.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

const rebalanceWords = (text: string) => (/^[a-z]+$/i.test(text) ? text : /^\d+$/.test(text) ? `every ${text} bars` : `every ${text}`);

/** The terminal report: settings, metrics, turnover and bets, the chosen subset and the last rebalances. */
export function renderPortfolio(job: PortfolioJobResult, rows: number): string {
  const settings = { ...job.settings, periodsPerYear: job.periodsPerYear, periodsPerYearReason: job.periodsPerYearReason } as RecordedSettings;
  const header: [string, unknown][] = [
    ['Run', job.runId ?? 'not recorded (the store stayed busy; see below)'],
    ['Portfolio', methodLine(job)],
    ['Rebalancing', `${rebalanceWords(String(job.params.rebalance))} on the last ${job.params.lookback}${/^\d+$/.test(String(job.params.lookback)) ? ' bars' : ''} of returns; ${job.rebalances.length} rebalances from ${job.simulatedFrom}`],
    ['Data', `${job.symbols.join(', ')} ${job.timeframe}, ${job.from} .. ${job.to} (fingerprint ${job.dataFingerprint})`],
    ...describeSettings(settings).filter(([k]) => k !== 'Trading' && k !== 'Alignment'),
  ];
  if (job.selection) {
    const s = job.selection;
    header.push(['Selection', `${s.symbols.join(', ')}: ${s.k} of ${job.symbols.length} by simulated annealing (seed ${s.seed}, ${s.evaluated} subsets scored), ${s.objective} Sharpe ${metric(s.sharpeAnnual)} a year on the first window`]);
  }
  if (job.cashRebalances > 0) {
    header.push(['In cash', `${job.cashRebalances} of ${job.rebalances.length} rebalances: no asset's estimated return beat the risk-free rate, so no portfolio had a positive Sharpe ratio`]);
  }
  const metrics = METRIC_KEYS.map((k) => [METRIC_DESCRIPTIONS[k].label, metric((job.metrics as unknown as Record<string, unknown>)[k]) ?? 'n/a'] as [string, unknown]);
  metrics.push(
    ['Turnover per rebalance', job.turnover.perRebalance === null ? 'n/a (one rebalance)' : pct(job.turnover.perRebalance)],
    ['Turnover per year', job.turnover.perYear === null ? 'n/a (one rebalance)' : pct(job.turnover.perYear)],
    ['Effective number of bets', metric(job.effectiveBets) ?? 'n/a'],
  );
  const parts = [renderPairs(header), '', renderPairs(metrics)];
  const shown = job.rebalances.slice(Math.max(0, job.rebalances.length - rows));
  if (rows > 0 && shown.length > 0) {
    parts.push('', `Last ${shown.length} of ${job.rebalances.length} rebalances (target weights):`);
    parts.push(renderTable(
      ['decided at', ...job.symbols, 'turnover', 'bets', 'exp. return/yr', 'vol/yr', ...(job.cashRebalances > 0 ? ['cash'] : [])],
      shown.map((r) => [r.time, ...job.symbols.map((s) => significant(r.weights[s], 4)), significant(r.turnover, 4), significant(r.effectiveBets, 4), significant(r.expectedReturn, 4), significant(r.volatility, 4), ...(job.cashRebalances > 0 ? [r.inCash ? 'yes' : ''] : [])]),
    ));
  }
  if (job.outFiles.length > 0) parts.push('', `Wrote ${job.outFiles.join(', ')}.`);
  return parts.join('\n');
}
