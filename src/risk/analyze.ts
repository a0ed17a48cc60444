/**
 * Everything `rrr risk` reports about one portfolio's returns, computed in one call: VaR and CVaR by four
 * methods at each confidence over 1 and N periods, the VaR backtest, six stress scenarios, and (with asset
 * returns) correlations, concentration and risk contributions, and (with a benchmark) beta. Pure numerics.
 */
import { estimateCovariance } from '../portfolio/covariance.js';
import { backtestVar, type VarBacktest } from './var-backtest.js';
import { betaTo, concentration, correlationReport, riskContributions, type Beta, type Concentration, type CorrelationReport } from './dependence.js';
import { monteCarloVar } from './monte-carlo.js';
import { stressScenarios, type StressResult } from './stress.js';
import { cornishFisherVar, historicalVar, normalVar, overlappingReturns, returnMoments, tailCount, type ReturnMoments } from './var.js';

export const VAR_METHODS = ['historical', 'normal', 'cornish-fisher', 'monte-carlo'] as const;
export type VarMethod = (typeof VAR_METHODS)[number];

export interface RiskSettings {
  /** Confidences in percent, each above 50 and below 100 (e.g. [95, 99]). */
  confidences: number[];
  /** Periods of the N-period VaR (1 = one period only). */
  horizon: number;
  simulations: number;
  seed: number;
  /** Periods of history each VaR of the VaR backtest is estimated from. */
  backtestWindow: number;
  /** Periods of the rolling correlations. */
  correlationWindow: number;
}

export const DEFAULT_RISK_SETTINGS: RiskSettings = { confidences: [95, 99], horizon: 1, simulations: 100_000, seed: 42, backtestWindow: 250, correlationWindow: 63 };

export interface RiskInput {
  /** The portfolio's return over each period. */
  returns: Float64Array;
  /** times[0] is the bar the first return starts from; times[i + 1] the bar returns[i] ends at. */
  times: Float64Array;
  periodsPerYear: number;
  /**
   * The assets' own returns over the same periods and the weights they are held at: `fixed` for a static
   * portfolio (its returns are exactly w'r, so Monte Carlo draws the assets), not for a backtest's average
   * exposure (Monte Carlo then draws the portfolio's own returns).
   */
  assets?: { names: string[]; columns: Float64Array[]; weights: Float64Array; fixed: boolean };
  /** The benchmark's returns and the portfolio's over the periods both have (the benchmark may miss some). */
  benchmark?: { symbol: string; portfolio: Float64Array; benchmark: Float64Array };
  exitCost: number;
  exitCostSource: string;
  exposure: number;
}

export interface VarRow {
  method: VarMethod;
  confidence: number;
  horizon: number;
  /** Positive loss fractions. */
  var: number;
  cvar: number;
  /** Monte Carlo: the simulated VaR's standard error (one period). */
  standardError?: number;
}

export interface RiskReport {
  settings: RiskSettings;
  moments: ReturnMoments & { annualVolatility: number };
  var: VarRow[];
  /** How each method reaches N periods. */
  horizonRules: Record<VarMethod, string>;
  varBacktest: VarBacktest[] | null;
  stress: StressResult[];
  correlation: CorrelationReport | null;
  concentration: Concentration | null;
  riskContribution: { asset: string; share: number }[] | null;
  beta: (Beta & { benchmark: string }) | null;
  metrics: Record<string, number>;
  notes: string[];
}

const METHOD_KEY: Record<VarMethod, string> = { historical: '', normal: 'Normal', 'cornish-fisher': 'CornishFisher', 'monte-carlo': 'MonteCarlo' };

/** "95" for 95, "975" for 97.5: metric keys hold letters and digits only. */
export const confidenceLabel = (percent: number) => String(percent).replace('.', '');

/** The --assert / --json metric key of one VaR figure, e.g. var95Pct, cvar99NormalPct, var95MonteCarloHorizonPct. */
export function varMetricKey(kind: 'var' | 'cvar', percent: number, method: VarMethod, horizon: boolean): string {
  return `${kind}${confidenceLabel(percent)}${METHOD_KEY[method]}${horizon ? 'Horizon' : ''}Pct`;
}

/** Every metric key a report with these settings has (for --assert, checked before any work). */
export function riskMetricKeys(settings: Pick<RiskSettings, 'confidences' | 'horizon'>): string[] {
  const keys: string[] = [];
  for (const p of settings.confidences) {
    for (const h of settings.horizon > 1 ? [false, true] : [false]) {
      for (const m of VAR_METHODS) keys.push(varMetricKey('var', p, m, h), varMetricKey('cvar', p, m, h));
    }
    keys.push(`exceptions${confidenceLabel(p)}`, `kupiec${confidenceLabel(p)}PValue`);
  }
  keys.push('volatilityPct', 'annualVolatilityPct', 'worstStressPct', 'beta', 'herfindahl', 'effectiveN');
  return keys;
}

export function analyzeRisk(input: RiskInput, settings: RiskSettings): RiskReport {
  const { returns } = input;
  const n = returns.length;
  const { horizon } = settings;
  const moments = returnMoments(returns);
  const notes: string[] = [];
  const confidences = settings.confidences.map((p) => p / 100);
  const rows: VarRow[] = [];

  // Monte Carlo draws the assets of a fixed-weight portfolio from a multivariate normal, or else the
  // portfolio's own returns (a backtest's weights change with its signals).
  const drawn = input.assets?.fixed ? input.assets : { names: ['portfolio'], columns: [returns], weights: Float64Array.of(1) };
  const { names, weights } = drawn;
  const estimate = estimateCovariance({ assets: names, columns: drawn.columns }, 'sample');
  const horizons = horizon > 1 ? [1, horizon] : [1];
  for (const h of horizons) {
    const sample = h === 1 ? returns : overlappingReturns(returns, h);
    const simulated = monteCarloVar({ mean: estimate.mean, cov: estimate.cov, weights, horizon: h, simulations: settings.simulations, seed: settings.seed, assets: names }, confidences);
    confidences.forEach((c, k) => {
      const cf = cornishFisherVar(moments.mean, moments.sd, moments.skewness, moments.excessKurtosis, c, h);
      if (!cf.monotonic && h === 1) notes.push(`At ${settings.confidences[k]}% the Cornish-Fisher expansion is not monotonic in the tail for this skewness (${moments.skewness.toFixed(2)}) and excess kurtosis (${moments.excessKurtosis.toFixed(2)}): its VaR and CVaR are unreliable; prefer historical or Monte Carlo.`);
      const { standardError, ...mc } = simulated[k];
      rows.push(
        { method: 'historical', confidence: settings.confidences[k], horizon: h, ...historicalVar(sample, c) },
        { method: 'normal', confidence: settings.confidences[k], horizon: h, ...normalVar(moments.mean, moments.sd, c, h) },
        { method: 'cornish-fisher', confidence: settings.confidences[k], horizon: h, var: cf.var, cvar: cf.cvar },
        { method: 'monte-carlo', confidence: settings.confidences[k], horizon: h, ...mc, ...(h === 1 ? { standardError } : {}) },
      );
    });
  }
  confidences.forEach((c, k) => {
    if (n * (1 - c) < 1) notes.push(`At ${settings.confidences[k]}% the ${n} returns hold fewer than one expected loss beyond the VaR: the historical VaR is the worst return (k = ${tailCount(n, c)}).`);
  });
  if (horizon > 1 && n - horizon + 1 < 100) notes.push(`Only ${n - horizon + 1} overlapping ${horizon}-period returns: the ${horizon}-period historical VaR rests on few, strongly dependent values.`);

  let varBacktest: VarBacktest[] | null = null;
  if (n > settings.backtestWindow) varBacktest = backtestVar(returns, settings.backtestWindow, confidences);
  else notes.push(`The VaR backtest needs more than ${settings.backtestWindow} returns (its window) and there are ${n}: it was skipped; pass a shorter --backtest-window.`);

  const stress = stressScenarios({ times: input.times, returns, periodsPerYear: input.periodsPerYear, mean: moments.mean, sd: moments.sd, horizon, exitCost: input.exitCost, exitCostSource: input.exitCostSource, exposure: input.exposure });

  let correlation: CorrelationReport | null = null;
  let concentrationReport: Concentration | null = null;
  let contribution: { asset: string; share: number }[] | null = null;
  if (input.assets) {
    if (input.assets.names.length > 1) correlation = correlationReport(input.assets.names, input.assets.columns, settings.correlationWindow);
    concentrationReport = concentration(input.assets.names, input.assets.weights);
    const cov = input.assets.fixed ? estimate.cov : estimateCovariance({ assets: input.assets.names, columns: input.assets.columns }, 'sample').cov;
    const shares = riskContributions(input.assets.weights, cov);
    contribution = input.assets.names.map((asset, i) => ({ asset, share: shares[i] }));
  }
  const beta = input.benchmark ? { benchmark: input.benchmark.symbol, ...betaTo(input.benchmark.portfolio, input.benchmark.benchmark) } : null;

  const annualVolatility = moments.sd * Math.sqrt(input.periodsPerYear);
  const metrics: Record<string, number> = {};
  for (const row of rows) {
    metrics[varMetricKey('var', row.confidence, row.method, row.horizon > 1)] = row.var * 100;
    metrics[varMetricKey('cvar', row.confidence, row.method, row.horizon > 1)] = row.cvar * 100;
  }
  for (const t of varBacktest ?? []) {
    if (t.method !== 'historical') continue;
    const label = confidenceLabel(Math.round(t.confidence * 1e6) / 1e4);
    metrics[`exceptions${label}`] = t.kupiec.exceptions;
    metrics[`kupiec${label}PValue`] = t.kupiec.pValue;
  }
  metrics.volatilityPct = moments.sd * 100;
  metrics.annualVolatilityPct = annualVolatility * 100;
  metrics.worstStressPct = Math.max(...stress.map((s) => s.loss)) * 100;
  if (beta) metrics.beta = beta.beta;
  if (concentrationReport) {
    metrics.herfindahl = concentrationReport.herfindahl;
    metrics.effectiveN = concentrationReport.effectiveN;
  }

  const horizonRules: Record<VarMethod, string> = {
    historical: horizon > 1 ? `overlapping ${horizon}-period compounded returns (${n - horizon + 1} of them)` : 'one-period returns',
    normal: horizon > 1 ? `square-root-of-time: mean x ${horizon}, standard deviation x sqrt(${horizon})` : 'one period',
    'cornish-fisher': horizon > 1 ? `square-root-of-time on mean and standard deviation; skewness and kurtosis of one period kept` : 'one period',
    'monte-carlo': horizon > 1 ? `${horizon} simulated periods compounded per path` : 'one simulated period per path',
  };
  return { settings, moments: { ...moments, annualVolatility }, var: rows, horizonRules, varBacktest, stress, correlation, concentration: concentrationReport, riskContribution: contribution, beta, metrics, notes };
}
