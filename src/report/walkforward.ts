/** The terminal report of a walk-forward: the windows, the stitched out-of-sample result, efficiency, stability. */
import { METRIC_DESCRIPTIONS, type MetricKey } from '../engine/metrics.js';
import type { WalkForwardSummary } from '../research/walkforward/summary.js';
import { formatNumber, renderPairs, renderTable, significant } from './table.js';
import { threadsText } from './threads.js';

/** 4 decimals for everyday magnitudes, 4 significant digits below 1 (as the backtest report). */
const metric = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? (Math.abs(x) >= 1 ? Number(x.toFixed(4)) : significant(x, 4)) : x);
const orNa = (x: unknown) => (x === null || x === undefined ? 'n/a' : metric(x));

/** A bar time without its clock when it is midnight UTC (daily and slower bars). */
export const day = (iso: string) => iso.replace(/T00:00:00Z$/, '');

export const STITCHED: readonly MetricKey[] = [
  'totalReturnPct',
  'cagrPct',
  'buyAndHoldReturnPct',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdownPct',
  'annualVolatilityPct',
  'exposurePct',
  'tradeCount',
  'winRatePct',
  'profitFactor',
  'feesPaid',
  'finalEquity',
];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderWalkForward(s: WalkForwardSummary): string {
  const { layout, search } = s;
  const objective = search.objective;
  const params = s.stability.map((p) => p.param);
  const searched = search.method === 'grid' ? 'grid search' : `${search.method} search (${search.trials} trials, seed ${search.seed})`;
  const gaps = [layout.purge !== '0' ? `purge ${layout.purge}` : '', layout.embargo !== '0' ? `embargo ${layout.embargo}` : ''].filter(Boolean).join(', ');
  const lines: string[] = [
    `Walk-forward of ${s.strategy} on ${s.symbols.join(', ')} ${s.timeframe}, ${day(s.from)} .. ${day(s.to)}: ${s.interrupted ? `${s.windows.length} of ${plural(s.windowsPlanned, 'window')} (interrupted)` : plural(s.windows.length, 'window')}, ${layout.anchored ? 'anchored' : 'rolling'}, train ${layout.train}, test ${layout.test}${gaps ? `, ${gaps}` : ''}.`,
    `Each window: ${searched} on the training range, ${search.direction === 'minimize' ? 'minimizing' : 'maximizing'} ${objective}${search.constraints.length > 0 ? ` subject to ${search.constraints.join(', ')}` : ''}; the winner runs on the test range.${s.threads ? ` Threads: ${threadsText(s.threads)}.` : ''}`,
    '',
  ];
  const headers = ['#', 'train', 'test', ...params, `IS ${objective}`, 'OOS sharpe', 'OOS return %', 'OOS max DD %', 'OOS trades', 'WFE'];
  const rows = s.windows.map((w) => [
    String(w.index),
    `${day(w.train.start)} .. ${day(w.train.end)}`,
    `${day(w.test.start)} .. ${day(w.test.end)}`,
    ...params.map((p) => (w.params ? w.params[p] : '-')),
    w.inSample ? metric(w.inSample.objective) : 'none',
    orNa(w.outOfSample.sharpe),
    orNa(w.outOfSample.totalReturnPct),
    orNa(w.outOfSample.maxDrawdownPct),
    w.outOfSample.tradeCount,
    orNa(w.efficiency),
  ]);
  lines.push(renderTable(headers, rows));
  for (const w of s.windows) if (w.reason) lines.push(`Window ${w.index}: ${w.reason}`);
  if (s.windows.length === 0) {
    lines.push('', 'No window was tested.');
    return lines.join('\n');
  }

  const m = s.stitched.metrics as unknown as Record<string, unknown>;
  lines.push(
    '',
    `Out of sample, stitched (${plural(s.stitched.bars, 'bar')}, ${day(s.stitched.start!)} .. ${day(s.stitched.end!)}; each window's returns chained):`,
    renderPairs(STITCHED.map((k) => [`  ${METRIC_DESCRIPTIONS[k].label}`, orNa(m[k])])),
  );
  const e = s.efficiency;
  lines.push(
    '',
    e.value === null
      ? `Walk-forward efficiency: n/a (the mean in-sample CAGR is ${e.inSampleCagrPct === null ? 'undefined' : `${formatNumber(Number(e.inSampleCagrPct.toFixed(2)))}%, not above 0`}).`
      : `Walk-forward efficiency: ${formatNumber(Number(e.value.toFixed(4)))} (out-of-sample CAGR ${formatNumber(Number(e.outOfSampleCagrPct!.toFixed(2)))}% over the mean in-sample CAGR of the winners ${formatNumber(Number(e.inSampleCagrPct!.toFixed(2)))}%).`,
  );
  if (s.stability.length > 0) {
    lines.push(
      '',
      'Parameter stability across windows:',
      renderTable(
        ['param', 'mode', 'windows at mode', 'mean', 'CV', 'chosen'],
        s.stability.map((p) => {
          const withWinner = p.values.filter((v) => v !== null).length;
          return [
            p.param,
            p.mode ?? '-',
            p.modeShare === null ? '-' : `${Math.round(p.modeShare * withWinner)}/${withWinner}`,
            p.mean === undefined ? '' : metric(p.mean),
            p.coefficientOfVariation === undefined ? '' : orNa(p.coefficientOfVariation),
            p.values.map((v) => (v === null ? '-' : String(v))).join(' '),
          ];
        }),
      ),
    );
  }
  if (s.interrupted) lines.push('', `Interrupted: the ${plural(s.windows.length, 'window')} above finished before Ctrl-C; the rest were not run.`);
  return lines.join('\n');
}
