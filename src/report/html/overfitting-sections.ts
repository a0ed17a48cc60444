/**
 * How far a search's winner can be trusted, as report blocks: PSR, DSR and PBO beside the winner, each with one
 * sentence on what it means, from the OverfittingSummary the search already computed (nothing recomputed here).
 * Shared by the optimize report and, per window, by the walk-forward report.
 */
import type { OverfittingSummary } from '../../research/optimize/summary.js';
import type { KeyValueBlock, TableBlock, TextBlock } from './types.js';

/** One sentence each, for a reader who has not met the statistic. */
export const OVERFITTING_NOTES = {
  psr: 'The probability that the winner\'s true Sharpe ratio is above 0, given how many returns it was measured on and their skewness and kurtosis (Bailey & López de Prado 2012).',
  dsr: 'The same probability against SR0, the best Sharpe ratio the N trials would reach by luck alone: well below 0.95, the winner is not distinguishable from the luckiest of them (Bailey & López de Prado 2014).',
  pbo: 'The share of CSCV splits of the returns into halves where the trial best in the first half ranks at or below the median in the second: near 0 the choice generalizes, near 0.5 or above it is noise (Bailey, Borwein, López de Prado & Zhu 2017).',
  minTrl: 'The fewest returns the winner\'s Sharpe ratio needs to be above 0 with 95% confidence.',
} as const;

/** Four decimals, as the terminal report shows them; n/a when a statistic could not be computed. */
export function statistic(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
}

/** PSR, DSR, PBO (and what they rest on) as a key-value block; the notes say why one is missing. */
export function overfittingBlock(o: OverfittingSummary, title = 'Overfitting (the winner, given every trial that ran)'): KeyValueBlock {
  const rows: KeyValueBlock['rows'] = [];
  const w = o.winner;
  rows.push({ key: 'PSR (vs Sharpe 0)', value: statistic(w?.psr), note: OVERFITTING_NOTES.psr });
  rows.push({
    key: `DSR (${o.trialsRun} trials)`,
    value: statistic(w?.dsr),
    note: `${OVERFITTING_NOTES.dsr}${w?.deflationBenchmark === null || w?.deflationBenchmark === undefined ? '' : ` Here SR0 = ${statistic(w.deflationBenchmark)} per bar.`}`,
  });
  rows.push({
    key: 'PBO (CSCV)',
    value: statistic(o.pbo?.pbo),
    note: `${OVERFITTING_NOTES.pbo}${o.pbo ? ` Here ${o.pbo.splits} blocks, ${o.pbo.combinations} splits.` : ''}`,
  });
  if (w) {
    rows.push({ key: 'Winner Sharpe (per bar)', value: statistic(w.sharpe) });
    rows.push({
      key: 'MinTRL (95%)',
      value: w.minTrackRecordLength === null ? 'none: the Sharpe ratio is not above 0' : `${Math.ceil(w.minTrackRecordLength)} bars`,
      note: `${OVERFITTING_NOTES.minTrl} The winner has ${o.observations}.`,
    });
  }
  rows.push({ key: 'Trials run (N)', value: String(o.trialsRun) });
  rows.push({ key: 'Returns per trial (T)', value: String(o.observations) });
  rows.push({ key: 'Variance of the trials\' Sharpe ratios (V)', value: o.sharpeVariance === null ? 'n/a' : o.sharpeVariance.toPrecision(4) });
  for (const note of o.notes) rows.push({ key: 'Note', value: note });
  return { kind: 'kv', title, rows };
}

/** The three sentences as one paragraph each, for a table of several winners' statistics. */
export function overfittingLegend(): TextBlock {
  return { kind: 'text', paragraphs: [`PSR: ${OVERFITTING_NOTES.psr}`, `DSR: ${OVERFITTING_NOTES.dsr}`, `PBO: ${OVERFITTING_NOTES.pbo}`] };
}

/** Several searches' winners side by side (a walk-forward's windows): N, PSR, DSR, SR0 and PBO, exact for sorting. */
export function overfittingTable(id: string, title: string, rows: ReadonlyArray<{ label: number | string; overfitting: OverfittingSummary }>): TableBlock {
  return {
    kind: 'table',
    id,
    title,
    columns: [
      { key: 'what', label: '#', type: typeof rows[0]?.label === 'number' ? 'number' : 'text', digits: 0 },
      { key: 'trials', label: 'trials run (N)', type: 'number', digits: 0 },
      { key: 'psr', label: 'PSR', type: 'number', digits: 4 },
      { key: 'dsr', label: 'DSR', type: 'number', digits: 4 },
      { key: 'sr0', label: 'SR0 (per bar)', type: 'number', digits: 4 },
      { key: 'pbo', label: 'PBO', type: 'number', digits: 4 },
      { key: 'notes', label: 'missing because', type: 'text' },
    ],
    rows: rows.map(({ label, overfitting: o }) => [label, o.trialsRun, o.winner?.psr ?? null, o.winner?.dsr ?? null, o.winner?.deflationBenchmark ?? null, o.pbo?.pbo ?? null, o.notes.join(' ')]),
  };
}
