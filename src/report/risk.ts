/** `rrr risk` as text and as JSON: VaR and CVaR by method, the VaR backtest, stress, correlation, concentration, beta. */
import type { RiskJobResult } from '../research/risk/job.js';
import type { VarMethod } from '../risk/analyze.js';
import type { AssertionOutcome } from './assertions.js';
import { renderTable } from './table.js';

const METHOD_WORDS: Record<VarMethod, string> = {
  historical: 'historical',
  normal: 'parametric normal',
  'cornish-fisher': 'Cornish-Fisher',
  'monte-carlo': 'Monte Carlo',
};

const pct = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(digits)}%`);
const fixed = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

/** The correlation matrix is printed up to this many assets; beyond, the least stable pairs only. */
const MATRIX_ASSETS = 8;
const PAIR_ROWS = 10;

export function renderRisk(job: RiskJobResult, outcomes: readonly AssertionOutcome[] = []): string {
  const { source: s, report: r } = job;
  const set = r.settings;
  const lines: string[] = [
    `Risk of ${s.describes}.`,
    `Data: ${s.symbols.join(', ')} ${s.timeframe}, ${s.from} .. ${s.to}: ${s.returns} returns; ${s.periodsPerYear} periods a year (${s.periodsPerYearReason}).`,
    `Returns per period: mean ${pct(r.moments.mean, 3)}, standard deviation ${pct(r.moments.sd, 3)} (${pct(r.moments.annualVolatility)} a year), skewness ${fixed(r.moments.skewness)}, excess kurtosis ${fixed(r.moments.excessKurtosis)}.`,
    '',
    `Value at Risk and expected shortfall (CVaR), losses as % of the portfolio${set.horizon > 1 ? `, over 1 and ${set.horizon} periods` : ', over 1 period'}; Monte Carlo: ${set.simulations} draws, seed ${set.seed}:`,
  ];
  const horizons = set.horizon > 1 ? [1, set.horizon] : [1];
  const headers = ['method', 'periods', ...set.confidences.flatMap((c) => [`VaR ${c}%`, `CVaR ${c}%`])];
  const rows: unknown[][] = [];
  for (const h of horizons)
    for (const method of ['historical', 'normal', 'cornish-fisher', 'monte-carlo'] as VarMethod[]) {
      const cells = set.confidences.flatMap((c) => {
        const row = r.var.find((v) => v.method === method && v.horizon === h && v.confidence === c)!;
        return [pct(row.var), pct(row.cvar)];
      });
      rows.push([METHOD_WORDS[method], String(h), ...cells]);
    }
  lines.push(renderTable(headers, rows));
  const mcErrors = r.var.filter((v) => v.method === 'monte-carlo' && v.standardError !== undefined).map((v) => `${v.confidence}% ${pct(v.standardError, 3)}`);
  lines.push(`Historical: VaR is minus the k-th worst return, k = ceil((1 - confidence) x returns); CVaR the mean of those k. Monte Carlo standard error (1 period): ${mcErrors.join(', ')}.`);
  if (set.horizon > 1) lines.push(`Over ${set.horizon} periods: historical by ${r.horizonRules.historical}; normal and Cornish-Fisher by ${r.horizonRules.normal}; Monte Carlo by ${r.horizonRules['monte-carlo']}.`);

  if (r.varBacktest) {
    const t0 = r.varBacktest[0];
    lines.push('', `VaR backtest: one-period VaR re-estimated at every period from the ${t0.window} before it, ${t0.kupiec.observations} periods tested; Kupiec POF test (chi-square, 1 dof) and Basel traffic light:`);
    lines.push(renderTable(['method', 'confidence', 'exceptions', 'expected', 'LR', 'p-value', 'at 5%', 'zone'], r.varBacktest.map((t) => [
      METHOD_WORDS[t.method], `${Math.round(t.confidence * 1e4) / 100}%`, t.kupiec.exceptions, (t.kupiec.expectedRate * t.kupiec.observations).toFixed(1),
      fixed(t.kupiec.statistic), fixed(t.kupiec.pValue, 4), t.kupiec.rejectAt5 ? 'reject' : 'accept', t.trafficLight.zone,
    ])));
  }

  lines.push('', 'Stress scenarios (loss as % of the portfolio; negative: a gain):');
  lines.push(renderTable(['scenario', 'kind', 'loss', 'max drawdown'], r.stress.map((x) => [
    x.name, x.kind === 'historical' ? (x.covered ? `historical ${x.from} .. ${x.to}` : 'parametric equivalent') : 'parametric', pct(x.loss), x.maxDrawdown === undefined ? '-' : pct(x.maxDrawdown),
  ])));
  for (const x of r.stress) lines.push(`- ${x.name}: assumes ${x.assumes}.`);

  if (r.correlation) {
    const c = r.correlation;
    lines.push('', 'Correlation of the assets\' returns (whole sample):');
    if (c.assets.length <= MATRIX_ASSETS) lines.push(renderTable(['', ...c.assets], c.assets.map((a, i) => [a, ...c.matrix[i].map((v) => v.toFixed(2))])));
    const pairs = [...c.pairs].sort((a, b) => (b.rollingMax - b.rollingMin) - (a.rollingMax - a.rollingMin)).slice(0, PAIR_ROWS);
    lines.push(`Stability: first half against second half, largest change ${c.largestChange.toFixed(2)}, distance ${c.halvesDistance.toFixed(3)} (Frobenius, off-diagonal); rolling ${c.window}-period correlations${c.pairs.length > PAIR_ROWS ? ` (the ${PAIR_ROWS} widest ranges)` : ''}:`);
    lines.push(renderTable(['pair', 'full', '1st half', '2nd half', 'rolling mean', 'min', 'max'], pairs.map((p) => [
      `${p.a} / ${p.b}`, p.full.toFixed(2), p.firstHalf.toFixed(2), p.secondHalf.toFixed(2), p.rollingMean.toFixed(2), p.rollingMin.toFixed(2), p.rollingMax.toFixed(2),
    ])));
  }
  if (r.concentration && r.riskContribution) {
    const k = r.concentration;
    lines.push('', `Concentration: Herfindahl ${k.herfindahl.toFixed(3)}, effective number of assets ${k.effectiveN.toFixed(2)}; largest: ${k.largest.map((l) => `${l.asset} ${pct(l.weight, 1)}`).join(', ')}.`);
    lines.push(renderTable(['asset', 'weight', 'share of variance'], r.riskContribution.map((c, i) => [c.asset, pct(s.weights[i], 1), pct(c.share, 1)])));
  }
  if (r.beta) lines.push('', `Beta to ${r.beta.benchmark}: ${fixed(r.beta.beta)} (correlation ${fixed(r.beta.correlation)}, ${r.beta.observations} periods).`);
  if (r.notes.length > 0) lines.push('', ...r.notes);
  if (outcomes.length > 0) {
    lines.push('', ...outcomes.map((o) => `${o.passed ? 'PASS' : 'FAIL'} ${o.text} (${o.metric} = ${o.actual === null ? 'n/a' : Number(o.actual.toPrecision(6))})`));
  }
  return lines.join('\n');
}

/** Everything the text shows, with the metric keys --assert takes. */
export function riskJson(job: RiskJobResult, outcomes: readonly AssertionOutcome[] = []) {
  const { source, report } = job;
  return {
    source,
    settings: report.settings,
    moments: report.moments,
    var: report.var.map((v) => ({ ...v, varPct: v.var * 100, cvarPct: v.cvar * 100 })),
    horizonRules: report.horizonRules,
    varBacktest: report.varBacktest,
    stress: report.stress.map((x) => ({ ...x, lossPct: x.loss * 100 })),
    correlation: report.correlation,
    concentration: report.concentration,
    riskContribution: report.riskContribution,
    beta: report.beta,
    metrics: report.metrics,
    notes: report.notes,
    assertions: outcomes,
    passed: outcomes.every((o) => o.passed),
  };
}
