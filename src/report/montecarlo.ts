/** `rrr montecarlo` as text and as JSON: what ran, equity bands, distributions, ranks, ruin. */
import type { MonteCarloJobResult } from '../research/montecarlo/job.js';
import type { Distribution, EquityBands } from '../research/montecarlo/summary.js';
import { formatNumber, renderTable } from './table.js';

export const METHOD_WORDS: Record<string, string> = {
  permute: 'trade order permutation',
  bootstrap: 'trade bootstrap (iid, with replacement)',
  returns: 'per-bar return bootstrap (iid, with replacement)',
  block: 'per-bar stationary block bootstrap (Politis & Romano)',
};

/** How many band rows the terminal shows: the start, the end and evenly spaced steps between. */
const BAND_ROWS = 6;

/** A fraction as a percentage, 'n/a' when there is none. */
export const pct = (x: number | null, digits = 2) => (x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(digits)}%`);
const fixed = (x: number | null, digits = 3) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));
const money = (x: number) => formatNumber(Number(x.toPrecision(7)));

/** Band rows at up to BAND_ROWS evenly spaced sampled steps. */
function bandRows(bands: EquityBands, unit: string): unknown[][] {
  const points = bands.steps.length;
  const picked = new Set<number>();
  for (let k = 0; k < BAND_ROWS; k++) picked.add(Math.round((k * (points - 1)) / (BAND_ROWS - 1)));
  return [...picked].sort((a, b) => a - b).map((j) => [`${bands.steps[j]} ${unit}`, money(bands.p5[j]), money(bands.p25[j]), money(bands.p50[j]), money(bands.p75[j]), money(bands.p95[j])]);
}

function distributionRow(label: string, d: Distribution | null, actual: number, rank: number | null, show: (x: number | null) => string): string[] {
  const rankText = rank === null || !Number.isFinite(rank) ? 'n/a' : `${rank.toFixed(1)}%`;
  if (d === null) return [label, '-', '-', '-', '-', '-', '-', show(actual), rankText];
  return [label, show(d.p5), show(d.p25), show(d.p50), show(d.p75), show(d.p95), show(d.mean), show(actual), rankText];
}

export function renderMonteCarlo(job: MonteCarloJobResult): string {
  const { backtest: b, input, result: r } = job;
  const s = r.settings;
  const params = Object.entries(b.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const block = s.blockLength === null ? '' : `, mean block length ${fixed(s.blockLength, 2)} bars`;
  const unit = input.kind === 'trades' ? 'trades' : 'bars';
  const lines = [
    `Monte Carlo: ${s.runs} paths of ${s.steps} ${unit}, ${METHOD_WORDS[s.method]}${block}, seed ${s.seed}.`,
    `Backtest: ${b.strategy}${params ? ` ${params}` : ''} on ${b.symbols.join(', ')} ${b.timeframe}, ${b.from} .. ${b.to}${b.runId === null ? '' : ` (run ${b.runId}, re-run, not recorded again)`}; return ${pct(b.totalReturn)}, ${b.closedTrades} closed trades.`,
    `Resampled: ${input.kind === 'trades' ? 'closed trade returns' : 'per-bar returns of the equity curve'}; ${input.sizingReason}.`,
    '',
    'Equity across paths (percentiles):',
    renderTable(['after', '5%', '25%', '50%', '75%', '95%'], bandRows(r.bands, unit)),
    '',
    renderTable(['', '5%', '25%', '50%', '75%', '95%', 'mean', 'actual', 'actual rank'], [
      distributionRow('final return', r.finalReturn, r.actual.finalReturn, r.actual.finalReturnRank, (x) => pct(x)),
      distributionRow('max drawdown', r.maxDrawdown, r.actual.maxDrawdown, r.actual.maxDrawdownRank, (x) => pct(x)),
      distributionRow('Sharpe', r.sharpe, r.actual.sharpe, r.actual.sharpeRank, (x) => fixed(x)),
    ]),
    `Sharpe: ${input.sharpeUnit}. Rank: the share of paths below the actual value (ties count half).`,
    '',
    `Probability of ruin (equity at or below ${pct(r.ruin.level, 0)} of the starting equity at any step): ${pct(r.ruin.probability)} (${r.ruin.ruined} of ${r.ruin.runs} paths; 95% Wilson interval ${pct(r.ruin.ci95[0])} .. ${pct(r.ruin.ci95[1])}).`,
    ...r.notes,
  ];
  return lines.join('\n');
}

function bandsJson(bands: EquityBands) {
  return { steps: Array.from(bands.steps), p5: Array.from(bands.p5), p25: Array.from(bands.p25), p50: Array.from(bands.p50), p75: Array.from(bands.p75), p95: Array.from(bands.p95) };
}

/** Everything the text shows, as plain JSON (the per-path columns stay out: runs x band points numbers). */
export function monteCarloJson(job: MonteCarloJobResult) {
  const { paths: _paths, bands, ...result } = job.result;
  return { backtest: job.backtest, input: job.input, ...result, bands: bandsJson(bands) };
}
