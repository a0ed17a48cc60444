/**
 * The HTML report of rrr walkforward, as sections of blocks: the layout and search, the per-window table, the
 * stitched out-of-sample equity against the pace its winners kept in sample, in-sample against out-of-sample
 * CAGR per window, the walk-forward efficiency and the stability of the chosen parameters. Everything is read
 * from the WalkForwardSummary the terminal report prints.
 */
import { METRIC_DESCRIPTIONS } from '../../engine/metrics.js';
import type { WalkForwardSummary } from '../../research/walkforward/summary.js';
import { day, STITCHED } from '../walkforward.js';
import { overfittingLegend, overfittingTable, statistic } from './overfitting-sections.js';
import type { Block, ChartBlock, KeyValueBlock, ReportDoc, ReportSection, TableBlock, TableColumn } from './types.js';

/** CAGR is annualized over 365.25-day years (METRIC_DESCRIPTIONS.cagrPct): the pace curve uses the same years. */
const YEAR_MS = 365.25 * 24 * 3600 * 1000;

export const EFFICIENCY_NOTE =
  'The stitched out-of-sample CAGR over the mean in-sample CAGR of the windows\' winners: near 1 the winners kept their in-sample pace on data they had not seen, near 0 or below they did not.';

function layoutBlock(s: WalkForwardSummary): KeyValueBlock {
  const { layout, search } = s;
  return {
    kind: 'kv',
    rows: [
      { key: 'Strategy', value: s.strategy },
      { key: 'Data', value: `${s.symbols.join(', ')} ${s.timeframe}, ${day(s.from)} .. ${day(s.to)}` },
      { key: 'Windows', value: `${s.windows.length}${s.interrupted ? ` of ${s.windowsPlanned} (interrupted)` : ''}, ${layout.anchored ? 'anchored' : 'rolling'}, train ${layout.train}, test ${layout.test}, purge ${layout.purge}, embargo ${layout.embargo}` },
      {
        key: 'Each window',
        value: `${search.method === 'grid' ? 'grid search' : `${search.method} search (${search.trials} trials, seed ${search.seed})`} on the training range, ${search.direction === 'minimize' ? 'minimizing' : 'maximizing'} ${search.objective}${search.constraints.length > 0 ? ` subject to ${search.constraints.join(', ')}` : ''}; the winner runs on the test range`,
      },
    ],
  };
}

export function windowTable(s: WalkForwardSummary): TableBlock {
  const params = s.stability.map((p) => p.param);
  const numeric = (p: string) => s.windows.every((w) => w.params === undefined || typeof w.params[p] === 'number');
  const columns: TableColumn[] = [
    { key: 'window', label: '#', type: 'number', digits: 0 },
    { key: 'train-start', label: 'train from', type: 'text' },
    { key: 'train-end', label: 'train to', type: 'text' },
    { key: 'test-start', label: 'test from', type: 'text' },
    { key: 'test-end', label: 'test to', type: 'text' },
    ...params.map((p): TableColumn => ({ key: `param-${p}`, label: p, type: numeric(p) ? 'number' : 'text' })),
    { key: 'is-objective', label: `IS ${s.search.objective}`, type: 'number', digits: 4 },
    { key: 'is-cagr', label: 'IS CAGR %', type: 'number', digits: 2 },
    { key: 'oos-cagr', label: 'OOS CAGR %', type: 'number', digits: 2 },
    { key: 'oos-sharpe', label: 'OOS Sharpe', type: 'number', digits: 4 },
    { key: 'oos-return', label: 'OOS return %', type: 'number', digits: 2 },
    { key: 'oos-max-dd', label: 'OOS max DD %', type: 'number', digits: 2 },
    { key: 'oos-trades', label: 'OOS trades', type: 'number', digits: 0 },
    { key: 'wfe', label: 'WFE', type: 'number', digits: 4 },
  ];
  return {
    kind: 'table',
    id: 'windows-table',
    title: 'Per window: the training winner in sample (IS) and on its test range (OOS)',
    columns,
    rows: s.windows.map((w) => [
      w.index,
      day(w.train.start),
      day(w.train.end),
      day(w.test.start),
      day(w.test.end),
      ...params.map((p) => (w.params === undefined ? null : typeof w.params[p] === 'boolean' ? String(w.params[p]) : (w.params[p] as number | string))),
      w.inSample?.objective ?? null,
      w.inSample?.metrics.cagrPct ?? null,
      w.outOfSample.cagrPct,
      w.outOfSample.sharpe,
      w.outOfSample.totalReturnPct,
      w.outOfSample.maxDrawdownPct,
      w.outOfSample.tradeCount,
      w.efficiency,
    ]),
    sortable: true,
  };
}

/**
 * The stitched out-of-sample equity and, on the same bars, where it would be had each test window grown at
 * its winner's in-sample CAGR (held flat where a window had no winner or no in-sample CAGR). Chained from the
 * first stitched value, with no growth across the gap between windows, as the stitched curve has none.
 */
export function inSamplePace(s: WalkForwardSummary): { time: number[]; outOfSample: number[]; pace: number[] } {
  const time = s.stitched.time.map((t) => Date.parse(t));
  const outOfSample = s.stitched.equity;
  const pace = new Array<number>(time.length);
  let at = 0;
  let level = outOfSample[0];
  for (const w of s.windows) {
    const cagr = w.inSample?.metrics.cagrPct;
    const growth = typeof cagr === 'number' && Number.isFinite(cagr) ? 1 + cagr / 100 : 1;
    const start = time[at];
    for (let i = at; i < at + w.test.bars; i++) pace[i] = level * growth ** ((time[i] - start) / YEAR_MS);
    at += w.test.bars;
    if (w.test.bars > 0) level = pace[at - 1];
  }
  return { time, outOfSample: [...outOfSample], pace };
}

export function stitchedChart(s: WalkForwardSummary): ChartBlock {
  const { time, outOfSample, pace } = inSamplePace(s);
  return {
    kind: 'chart',
    id: 'stitched-equity',
    title: 'Stitched out-of-sample equity against the in-sample pace of each window\'s winner',
    x: time,
    xIsTime: true,
    series: [
      { label: 'Out of sample (stitched)', values: outOfSample },
      { label: 'In-sample pace', values: pace },
    ],
    yLabel: 'Equity',
  };
}

export function cagrChart(s: WalkForwardSummary): ChartBlock {
  return {
    kind: 'chart',
    id: 'window-cagr',
    title: 'CAGR per window: the winner in sample and out of sample',
    x: s.windows.map((w) => w.index),
    xIsTime: false,
    series: [
      { label: 'In sample CAGR %', values: s.windows.map((w) => w.inSample?.metrics.cagrPct ?? Number.NaN) },
      { label: 'Out of sample CAGR %', values: s.windows.map((w) => w.outOfSample.cagrPct ?? Number.NaN) },
    ],
    yLabel: 'CAGR %',
  };
}


function stitchedBlock(s: WalkForwardSummary): KeyValueBlock {
  const m = s.stitched.metrics as unknown as Record<string, number | null>;
  const e = s.efficiency;
  return {
    kind: 'kv',
    title: `Out of sample, stitched (${s.stitched.bars} bars, ${day(s.stitched.start!)} .. ${day(s.stitched.end!)})`,
    rows: [
      {
        key: 'Walk-forward efficiency',
        value: statistic(e.value),
        note: `${EFFICIENCY_NOTE} Here ${e.outOfSampleCagrPct === null ? 'n/a' : `${e.outOfSampleCagrPct.toFixed(2)}%`} over ${e.inSampleCagrPct === null ? 'n/a' : `${e.inSampleCagrPct.toFixed(2)}%`}${e.value === null ? ' (n/a unless the in-sample mean is above 0)' : ''}.`,
      },
      ...STITCHED.map((k) => ({ key: METRIC_DESCRIPTIONS[k].label, value: m[k] === null || m[k] === undefined ? 'n/a' : String(Number(m[k]!.toPrecision(6))) })),
    ],
  };
}

function stabilityTable(s: WalkForwardSummary): TableBlock {
  return {
    kind: 'table',
    id: 'stability-table',
    title: 'Parameter stability across windows',
    columns: [
      { key: 'param', label: 'param', type: 'text' },
      { key: 'mode', label: 'mode', type: 'text' },
      { key: 'share', label: 'share of windows at mode', type: 'number', digits: 2 },
      { key: 'mean', label: 'mean', type: 'number', digits: 4 },
      { key: 'cv', label: 'CV', type: 'number', digits: 4 },
      { key: 'chosen', label: 'chosen, window by window', type: 'text' },
    ],
    rows: s.stability.map((p) => [p.param, p.mode === null ? null : String(p.mode), p.modeShare, p.mean ?? null, p.coefficientOfVariation ?? null, p.values.map((v) => (v === null ? '-' : String(v))).join(' ')]),
  };
}


export function walkForwardSections(s: WalkForwardSummary): ReportSection[] {
  const sections: ReportSection[] = [{ id: 'walkforward', title: 'Walk-forward', blocks: [layoutBlock(s)] }];
  const reasons = s.windows.filter((w) => w.reason).map((w) => `Window ${w.index}: ${w.reason}`);
  sections.push({ id: 'windows', title: 'Windows', blocks: [windowTable(s), ...(reasons.length > 0 ? [{ kind: 'text', paragraphs: reasons } as Block] : [])] });
  if (s.windows.length === 0 || s.stitched.bars === 0) {
    sections.push({ id: 'out-of-sample', title: 'Out of sample', blocks: [{ kind: 'text', paragraphs: ['No window was tested.'] }] });
    return sections;
  }
  sections.push({ id: 'out-of-sample', title: 'Out of sample against in sample', blocks: [stitchedChart(s), stitchedBlock(s), cagrChart(s)] });
  if (s.stability.length > 0) sections.push({ id: 'stability', title: 'Parameter stability', blocks: [stabilityTable(s)] });
  const judged = s.windows.map((w) => ({ label: w.index, overfitting: w.overfitting }));
  if (judged.length > 0) {
    sections.push({
      id: 'window-overfitting',
      title: 'Overfitting in each window',
      blocks: [overfittingTable('window-overfitting-table', 'Each window\'s training winner, given every trial of its search', judged), overfittingLegend()],
    });
  }
  return sections;
}

export function walkForwardReport(s: WalkForwardSummary): ReportDoc {
  return {
    title: `Walk-forward of ${s.strategy}`,
    subtitle: `${s.symbols.join(', ')} ${s.timeframe}, ${day(s.from)} .. ${day(s.to)}; ${s.windows.length} windows, train ${s.layout.train}, test ${s.layout.test}`,
    sections: walkForwardSections(s),
  };
}
