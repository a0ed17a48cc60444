import { describe, expect, it } from 'vitest';
import { runSearch } from '../../../src/research/optimize/search-loop.js';
import { overfitting, summarizeSearch, type OptimizeSummary, type OverfittingSummary, type SummaryContext } from '../../../src/research/optimize/summary.js';
import type { FinishedTrial } from '../../../src/research/optimize/types.js';
import { monteCarlo } from '../../../src/research/montecarlo/index.js';
import type { MonteCarloJobResult } from '../../../src/research/montecarlo/job.js';
import { spaceFromSchema, strategyCheck, type SearchSpace } from '../../../src/research/search/index.js';
import { InThreadEvaluator } from '../../../src/research/sweep/index.js';
import type { WalkForwardSummary } from '../../../src/research/walkforward/summary.js';
import type { WindowResult } from '../../../src/research/walkforward/run.js';
import { resolveStrategy } from '../../../src/strategies/registry.js';
import { pathHistogram, monteCarloSections, fanChart, finalReturnHistogram, maxDrawdownHistogram } from '../../../src/report/html/montecarlo-sections.js';
import { heatmapBlock, MAX_TABLE_TRIALS, optimizeSections, rankedTable, sensitivityBlock } from '../../../src/report/html/optimize-sections.js';
import { OVERFITTING_NOTES, overfittingBlock } from '../../../src/report/html/overfitting-sections.js';
import { inSamplePace, walkForwardSections, windowTable } from '../../../src/report/html/walkforward-sections.js';
import type { Block, ChartBlock, KeyValueBlock, ReportSection, TableBlock } from '../../../src/report/html/types.js';
import { readCsvBars } from '../../helpers/shared.js';

const blocks = (sections: ReportSection[]) => sections.flatMap((s) => s.blocks);
const byKind = <K extends Block['kind']>(sections: ReportSection[], kind: K) => blocks(sections).filter((b): b is Extract<Block, { kind: K }> => b.kind === kind);

/** A hand-worked study over a (3 values) x b (2 values): trial 3 pruned. */
const trial = (number: number, a: number, b: string, value: number | undefined): FinishedTrial => ({
  number,
  params: { a, b },
  state: value === undefined ? 'pruned' : 'complete',
  ...(value === undefined ? {} : { value }),
  metrics: value === undefined ? {} : { sharpe: value, tradeCount: 10 + number },
});
const hand: FinishedTrial[] = [trial(0, 1, 'x', 0.5), trial(1, 1, 'y', 0.9), trial(2, 2, 'x', 0.7), trial(3, 2, 'y', undefined), trial(4, 3, 'x', 0.1), trial(5, 3, 'y', 0.8)];
const handSpace: SearchSpace = { dimensions: [{ kind: 'int', name: 'a', low: 1, high: 3, step: 1 }, { kind: 'values', name: 'b', values: ['x', 'y'] }] };
const context = (space: SearchSpace, extra: Partial<SummaryContext> = {}): SummaryContext => ({
  strategy: 'demo',
  symbols: ['DEMO-A'],
  timeframe: '1d',
  from: '2020-01-01T00:00:00Z',
  to: '2020-12-31T00:00:00Z',
  dataFingerprint: 'abc123',
  method: 'grid',
  objective: 'totalReturnPct',
  direction: 'maximize',
  constraints: [],
  space,
  total: 6,
  top: 10,
  pboSplits: 0,
  settings: [['strategy', 'demo']],
  ...extra,
});

describe('optimize sections', () => {
  const summary = summarizeSearch(hand, false, context(handSpace));

  it('the heatmap cells are the trials\' objective values, null where the trial was pruned', () => {
    const map = heatmapBlock(summary)!;
    expect(map.xLabel).toBe('a');
    expect(map.yLabel).toBe('b');
    expect(map.x).toEqual([1, 2, 3]);
    expect(map.y).toEqual(['x', 'y']);
    // Each cell holds one trial here: find it by its parameters, independently of the summary's layout.
    for (const t of hand) {
      const z = map.z[map.y.indexOf(t.params.b as string)][map.x.indexOf(t.params.a as number)];
      expect(z).toBe(t.state === 'complete' ? t.value : null);
    }
    expect(map.higherIsBetter).toBe(true);
    expect(heatmapBlock(summarizeSearch(hand, false, context(handSpace, { direction: 'minimize' })))!.higherIsBetter).toBe(false);
  });

  it('ranks every complete trial best first with its parameters, objective and metrics', () => {
    const table = rankedTable(summary, summary.top);
    expect(table.sortable).toBe(true);
    expect(table.columns.map((c) => c.key)).toEqual(['rank', 'trial', 'param-a', 'param-b', 'objective', 'sharpe', 'tradeCount']);
    expect(table.rows).toEqual([
      [1, 1, 1, 'y', 0.9, 0.9, 11],
      [2, 5, 3, 'y', 0.8, 0.8, 15],
      [3, 2, 2, 'x', 0.7, 0.7, 12],
      [4, 0, 1, 'x', 0.5, 0.5, 10],
      [5, 4, 3, 'x', 0.1, 0.1, 14],
    ]);
  });

  it('keeps the best MAX_TABLE_TRIALS trials of a larger study and says so in the title', () => {
    const many = Array.from({ length: MAX_TABLE_TRIALS + 1 }, (_, i) => ({ rank: i + 1, number: i, value: -i, params: { a: i }, metrics: {} }));
    const table = rankedTable(summary, many);
    expect(table.rows).toHaveLength(MAX_TABLE_TRIALS);
    expect(table.rows[MAX_TABLE_TRIALS - 1][0]).toBe(MAX_TABLE_TRIALS);
    expect(table.title).toBe(`The best ${MAX_TABLE_TRIALS} of ${MAX_TABLE_TRIALS + 1} complete trials, by totalReturnPct`);
  });

  it('draws numeric sensitivity as a chart and choices as a table, with the summary\'s best values', () => {
    const [a, b] = summary.sensitivity.map((s) => sensitivityBlock(s, summary.objective));
    expect(a.kind).toBe('chart');
    expect(Array.from((a as ChartBlock).x)).toEqual([1, 2, 3]);
    expect(Array.from((a as ChartBlock).series[0].values)).toEqual([0.9, 0.7, 0.8]);
    expect(b.kind).toBe('table');
    expect((b as TableBlock).rows).toEqual([['x', 0.7, 3], ['y', 0.9, 2]]);
  });

  it('places a binned range at the middle of its bin, in ascending order', () => {
    const space: SearchSpace = { dimensions: [{ kind: 'float', name: 'f', low: 0, high: 10 }] };
    // 30 distinct values: more than 20 levels, so the summary bins them into 10 ranges of width 1.
    const trials: FinishedTrial[] = Array.from({ length: 30 }, (_, i) => ({ number: i, params: { f: (i * 10) / 29 }, state: 'complete', value: i, metrics: {} }));
    const s = summarizeSearch(trials, false, context(space, { method: 'random' }));
    const chart = sensitivityBlock(s.sensitivity[0], 'x') as ChartBlock;
    expect(Array.from(chart.x)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5]);
    // The best (largest) value of i in each bin [k, k+1): i <= 2.9 (k + 1) exclusive.
    expect(Array.from(chart.series[0].values)).toEqual(s.sensitivity[0].points.map((p) => p.best));
    expect(chart.series[0].values[9]).toBe(29);
  });

  it('puts the winner beside its overfitting statistics, and says so when nothing completed', () => {
    const sections = optimizeSections({ summary, winnerEquity: { time: [0, 86400000], equity: [100, 110] } });
    const winner = sections.find((s) => s.id === 'winner')!;
    expect(winner.blocks.map((b) => b.kind)).toEqual(['kv', 'kv', 'chart']);
    expect((winner.blocks[0] as KeyValueBlock).rows.find((r) => r.key === 'Run it alone')!.value).toBe(summary.winner!.command);
    const none = optimizeSections({ summary: summarizeSearch(hand.map((t) => ({ ...t, state: 'failed' as const })), false, context(handSpace)) });
    expect(byKind(none, 'heatmap')).toEqual([]);
    expect(byKind(none, 'text').flatMap((b) => b.paragraphs)).toContain('No trial completed: there is no winner (see the pruned and failed counts above).');
  });
});

/** The value a kv row shows for `key` (prefix). */
const shown = (block: KeyValueBlock, key: string) => block.rows.find((r) => r.key.startsWith(key))!;

describe('overfitting block', () => {
  it('shows the summary\'s PSR, DSR and PBO to 4 decimals, each with its sentence', () => {
    const o: OverfittingSummary = {
      trialsRun: 30,
      observations: 2190,
      sharpeVariance: 0.000123456,
      winner: { number: 7, sharpe: 0.051234, psr: 0.97654321, dsr: 0.43216, deflationBenchmark: 0.0412345, minTrackRecordLength: 812.2 },
      pbo: { pbo: 0.123456, probabilityOfOosLoss: 0.2, splits: 16, combinations: 12870, configurations: 30, rowsUsed: 2176, droppedRows: 14 },
      notes: [],
    };
    const b = overfittingBlock(o);
    expect(shown(b, 'PSR')).toEqual({ key: 'PSR (vs Sharpe 0)', value: '0.9765', note: OVERFITTING_NOTES.psr });
    expect(shown(b, 'DSR')).toMatchObject({ key: 'DSR (30 trials)', value: '0.4322' });
    expect(shown(b, 'DSR').note).toBe(`${OVERFITTING_NOTES.dsr} Here SR0 = 0.0412 per bar.`);
    expect(shown(b, 'PBO')).toMatchObject({ value: '0.1235' });
    expect(shown(b, 'MinTRL').value).toBe('813 bars');
    // One sentence each.
    for (const note of [OVERFITTING_NOTES.psr, OVERFITTING_NOTES.dsr, OVERFITTING_NOTES.pbo]) expect(note.match(/[.!?](\s|$)/g)).toHaveLength(1);
  });

  it('shows n/a with the summary\'s reason when a statistic is missing', () => {
    const b = overfittingBlock({ trialsRun: 1, observations: 10, sharpeVariance: null, winner: { number: 0, sharpe: 0.5, psr: 0.9, dsr: null, deflationBenchmark: null, minTrackRecordLength: null }, pbo: null, notes: ['PBO needs 2 trials or more that ran.'] });
    expect(shown(b, 'DSR').value).toBe('n/a');
    expect(shown(b, 'PBO').value).toBe('n/a');
    expect(b.rows.filter((r) => r.key === 'Note').map((r) => r.value)).toEqual(['PBO needs 2 trials or more that ran.']);
  });

  it('every PSR, DSR and PBO shown for a real search equals its summary', async () => {
    const bars = readCsvBars('datasets/demo-a_1d.csv');
    const strategy = await resolveStrategy('sma-cross');
    const evaluator = new InThreadEvaluator();
    await evaluator.load([bars]);
    const space = spaceFromSchema(strategy.params, { fast: { kind: 'int', name: 'fast', low: 4, high: 24, step: 10 }, slow: { kind: 'int', name: 'slow', low: 30, high: 90, step: 30 } });
    const search = { space, method: 'grid' as const, direction: 'maximize' as const, objective: 'sharpe' as const, constraints: [], validate: strategyCheck(strategy) };
    const result = await runSearch(evaluator, { strategy: 'sma-cross', sim: { feeRate: 0.001 }, periodsPerYear: 365, pboSplits: 8 }, { from: 0, to: bars.length }, search);
    const s: OptimizeSummary = summarizeSearch(result.trials, false, context(space, { objective: 'sharpe', pboSplits: 8, total: result.trials.length }));
    const o = s.overfitting;
    expect(o.winner && o.winner.dsr !== null && o.pbo !== null).toBe(true);
    const b = byKind(optimizeSections({ summary: s }), 'kv').find((k) => k.rows.some((r) => r.key.startsWith('PSR')))!;
    expect(Number(shown(b, 'PSR').value)).toBeCloseTo(o.winner!.psr!, 4);
    expect(shown(b, 'PSR').value).toBe(o.winner!.psr!.toFixed(4));
    expect(shown(b, 'DSR').value).toBe(o.winner!.dsr!.toFixed(4));
    expect(shown(b, 'PBO').value).toBe(o.pbo!.pbo.toFixed(4));
    expect(shown(b, 'DSR').key).toBe(`DSR (${o.trialsRun} trials)`);
  });
});

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** Two windows of 3 test bars each, half a year apart; window 1 has no winner. */
function handWalkForward(): WalkForwardSummary {
  const t0 = Date.UTC(2021, 0, 1);
  const times = [t0, t0 + YEAR / 4, t0 + YEAR / 2, t0 + YEAR, t0 + YEAR + YEAR / 4, t0 + YEAR + YEAR / 2];
  const range = (from: number, to: number) => ({ from, to, start: iso(times[from] ?? t0), end: iso(times[to - 1] ?? t0), bars: to - from });
  const oos = { cagrPct: 5, sharpe: 0.5, totalReturnPct: 2, maxDrawdownPct: 3, tradeCount: 4 } as unknown as WindowResult['outOfSample'];
  const windows: WindowResult[] = [
    { index: 0, train: range(0, 0), test: range(0, 3), trials: { total: 4, complete: 4, pruned: 0, failed: 0 }, params: { fast: 5 }, inSample: { objective: 1.5, metrics: { cagrPct: 21 } }, outOfSample: oos, openPositions: 0, efficiency: 5 / 21, overfitting: overfitting([], undefined, 0) },
    { index: 1, train: range(0, 0), test: range(3, 6), trials: { total: 4, complete: 0, pruned: 0, failed: 4 }, reason: 'No trial completed.', outOfSample: { ...oos, cagrPct: 0 }, openPositions: 0, efficiency: null, overfitting: overfitting([], undefined, 0, 0.95, 'PBO is not computed per window.') },
  ];
  return {
    strategy: 'sma-cross',
    symbols: ['DEMO-A'],
    timeframe: '1d',
    periodsPerYear: 365,
    windowsPlanned: 2,
    layout: { anchored: false, train: '365d', test: '180d', purge: '0', embargo: '0' },
    search: { method: 'grid', objective: 'sharpe', direction: 'maximize', constraints: [] },
    from: iso(t0),
    to: iso(times[5]),
    windows,
    stitched: { bars: 6, start: iso(t0), end: iso(times[5]), metrics: {} as WalkForwardSummary['stitched']['metrics'], time: times.map(iso), equity: [100, 101, 102, 103, 103, 103] },
    efficiency: { value: 0.1, outOfSampleCagrPct: 2.1, inSampleCagrPct: 21 },
    stability: [{ param: 'fast', values: [5, null], mode: 5, modeShare: 1, mean: 5, std: null, coefficientOfVariation: null }],
    interrupted: false,
  };
}

describe('walk-forward sections', () => {
  it('the in-sample pace grows at each winner\'s in-sample CAGR, flat where a window had no winner', () => {
    const { time, outOfSample, pace } = inSamplePace(handWalkForward());
    expect(outOfSample).toEqual([100, 101, 102, 103, 103, 103]);
    expect(time[0]).toBe(Date.UTC(2021, 0, 1));
    // Window 0: 21% a year from 100: a quarter year is 1.21^0.25 = 1.1^0.5, half a year 1.1.
    expect(pace[0]).toBe(100);
    expect(pace[1]).toBeCloseTo(100 * Math.sqrt(1.1), 9);
    expect(pace[2]).toBeCloseTo(110, 9);
    // Window 1: no winner, held where window 0 ended.
    expect(pace.slice(3).map((x) => Number(x.toFixed(9)))).toEqual([110, 110, 110]);
  });

  it('the window table holds each window\'s dates, winner and in- and out-of-sample numbers', () => {
    const table = windowTable(handWalkForward());
    expect(table.rows[0]).toEqual([0, '2021-01-01', '2021-01-01', '2021-01-01', '2021-07-02T15:00:00Z', 5, 1.5, 21, 5, 0.5, 2, 3, 4, 5 / 21]);
    expect(table.rows[1].slice(5, 8)).toEqual([null, null, null]);
  });

  it('has the per-window table, the stitched chart and the efficiency with its sentence', () => {
    const sections = walkForwardSections(handWalkForward());
    const charts = byKind(sections, 'chart');
    expect(charts.map((c) => c.id)).toEqual(['stitched-equity', 'window-cagr']);
    expect(charts[1].series.map((s) => Array.from(s.values))).toEqual([[21, Number.NaN], [5, 0]]);
    const eff = byKind(sections, 'kv').flatMap((b) => b.rows).find((r) => r.key === 'Walk-forward efficiency')!;
    expect(eff.value).toBe('0.1000');
    expect(eff.note).toContain('Here 2.10% over 21.00%.');
    expect(byKind(sections, 'text').flatMap((b) => b.paragraphs)).toContain('Window 1: No trial completed.');
  });
});

describe('walk-forward overfitting, where the walk-forward gives each window\'s statistics', () => {
  it('tabulates each window\'s PSR, DSR and PBO exactly as given, with the three sentences', () => {
    const s = handWalkForward();
    const o: OverfittingSummary = { trialsRun: 4, observations: 365, sharpeVariance: 0.001, winner: { number: 2, sharpe: 0.08, psr: 0.912345, dsr: 0.61234, deflationBenchmark: 0.0312, minTrackRecordLength: 300 }, pbo: null, notes: ['PBO was not computed.'] };
    Object.assign(s.windows[0], { overfitting: o });
    const section = walkForwardSections(s).find((x) => x.id === 'window-overfitting')!;
    const table = section.blocks[0] as TableBlock;
    // window 1 had no trial that ran: its statistics are missing, and its notes say why
    const none = overfitting([], undefined, 0, 0.95, 'PBO is not computed per window.');
    expect(table.rows).toEqual([[0, 4, 0.912345, 0.61234, 0.0312, null, 'PBO was not computed.'], [1, 0, null, null, null, null, none.notes.join(' ')]]);
    expect((section.blocks[1] as { paragraphs: string[] }).paragraphs).toEqual([`PSR: ${OVERFITTING_NOTES.psr}`, `DSR: ${OVERFITTING_NOTES.dsr}`, `PBO: ${OVERFITTING_NOTES.pbo}`]);
  });
});

describe('Monte Carlo sections', () => {
  const trades = Float64Array.from([0.05, -0.02, 0.03, -0.04, 0.06, 0.01, -0.03, 0.02]);
  const result = monteCarlo({ trades, initialEquity: 1000, method: 'bootstrap', runs: 500, seed: 7, bandPoints: 9 });
  const job: MonteCarloJobResult = {
    backtest: { runId: null, strategy: 'sma-cross', symbols: ['DEMO-A'], timeframe: '1d', from: '2020-01-01', to: '2021-01-01', params: { fast: 10 }, dataFingerprint: 'f', periodsPerYear: 365, totalReturn: 0.0781, closedTrades: 8, openTrades: 0 },
    input: { kind: 'trades', steps: 8, sizing: 'compound', sizingReason: 'compound', sharpeUnit: 'per trade' },
    result,
  };

  it('leaves out the paths beyond the 0.5% and 99.5% quantiles, counting them, but never the actual value', () => {
    // 200 values 0..199: type-7 quantiles 0.995 and 198.005, so 0 and 199 are beyond the axis.
    const values = Float64Array.from({ length: 200 }, (_, i) => i);
    const h = pathHistogram(values, 50);
    expect([h.below, h.above]).toEqual([1, 1]);
    expect([h.edges[0], h.edges[h.edges.length - 1]]).toEqual([1, 198]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(198);
    // An actual value beyond the tail widens the axis to take it in.
    const wide = pathHistogram(values, 0);
    expect([wide.below, wide.above, wide.edges[0]]).toEqual([0, 1, 0]);
    expect(pathHistogram(Float64Array.from([1, Number.NaN, 1]), 1)).toEqual({ edges: [0.5, 1.5], counts: [2], below: 0, above: 0 });
  });

  it('the fan bands are the result\'s percentiles, with two bands between them', () => {
    const fan = fanChart(job);
    expect(Array.from(fan.x)).toEqual(Array.from(result.bands.steps));
    const values = Object.fromEntries(fan.series.map((s) => [s.label, Array.from(s.values)]));
    expect(values['5%']).toEqual(Array.from(result.bands.p5));
    expect(values['25%']).toEqual(Array.from(result.bands.p25));
    expect(values.median).toEqual(Array.from(result.bands.p50));
    expect(values['75%']).toEqual(Array.from(result.bands.p75));
    expect(values['95%']).toEqual(Array.from(result.bands.p95));
    expect(fan.series.filter((s) => s.band).map((s) => s.band)).toEqual([{ lower: '5%', upper: '95%' }, { lower: '25%', upper: '75%' }]);
    expect(values.median[0]).toBe(1000);
  });

  it('the histograms count every path once, bin by bin as a brute-force count does, with the actual value marked', () => {
    for (const [block, column, actual] of [
      [finalReturnHistogram(job), result.paths.finalReturn, result.actual.finalReturn],
      [maxDrawdownHistogram(job), result.paths.maxDrawdown, result.actual.maxDrawdown],
    ] as const) {
      const { edges, counts } = block;
      const last = edges.length - 1;
      const outside = Array.from(column).filter((v) => v < edges[0] || v > edges[last]).length;
      // The tails beyond the 0.5% and 99.5% quantiles are left out (and said so), never more.
      expect(Array.from(counts).reduce((a, b) => a + b, 0)).toBe(500 - outside);
      // Type-7 quantiles: at most floor((n - 1) q) + 1 values beyond each end.
      expect(outside).toBeLessThanOrEqual(2 * (Math.floor(499 * 0.005) + 1));
      if (outside > 0) expect(block.title).toMatch(/not drawn\)$/);
      for (let b = 0; b < counts.length; b++) {
        const brute = Array.from(column).filter((v) => v >= edges[b] && (b === counts.length - 1 ? v <= edges[b + 1] : v < edges[b + 1])).length;
        expect(counts[b]).toBe(brute);
      }
      expect(edges[0]).toBeLessThanOrEqual(actual);
      expect(edges[last]).toBeGreaterThanOrEqual(actual);
      expect(block.lines![0].at).toBe(actual);
    }
  });

  it('shows ruin and the distribution table from the result, and leaves out the final-return histogram for permute', () => {
    const sections = monteCarloSections(job);
    const ruin = byKind(sections, 'kv').flatMap((b) => b.rows).find((r) => r.key.startsWith('Ruin'))!;
    expect(ruin.value).toBe(`${(result.ruin.probability * 100).toFixed(2)}%`);
    const table = byKind(sections, 'table').find((t) => t.id === 'mc-distribution-table')!;
    const f = result.finalReturn!;
    expect(table.rows[0]).toEqual(['final return %', ...[f.p5, f.p25, f.p50, f.p75, f.p95, f.mean, result.actual.finalReturn].map((x) => x * 100), result.actual.finalReturnRank]);
    const s = result.sharpe!;
    expect(table.rows[2]).toEqual(['Sharpe', s.p5, s.p25, s.p50, s.p75, s.p95, s.mean, result.actual.sharpe, result.actual.sharpeRank]);
    const permuted = monteCarlo({ trades, initialEquity: 1000, method: 'permute', runs: 50, seed: 7 });
    const p = monteCarloSections({ ...job, result: permuted });
    expect(byKind(p, 'histogram').map((h) => h.id)).toEqual(['mc-max-drawdown']);
    expect(byKind(p, 'text').flatMap((b) => b.paragraphs)).toEqual(permuted.notes);
  });
});
