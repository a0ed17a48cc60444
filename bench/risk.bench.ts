/**
 * Risk (issue 14): 100,000 Monte Carlo VaR paths for 50 assets (multivariate normal through Cholesky, one
 * period), and a whole `rrr risk` analysis of 50 assets over 1,000 days. Target: under 1 s for the paths.
 */
import { mulberry32 } from '../src/data/synthetic.js';
import { analyzeRisk, DEFAULT_RISK_SETTINGS } from '../src/risk/analyze.js';
import { monteCarloVar } from '../src/risk/monte-carlo.js';
import { normalVar } from '../src/risk/var.js';
import { check, measure, report, type Measurement } from './harness.js';

const ASSETS = 50;
const PATHS = 100_000;
const DAYS = 1_000;

/** A one-factor covariance (market loading plus idiosyncratic variance): positive definite, realistic correlations. */
function factorModel(): { mean: Float64Array; cov: Float64Array; weights: Float64Array } {
  const rand = mulberry32(3);
  const beta = Float64Array.from({ length: ASSETS }, () => 0.5 + rand());
  const idio = Float64Array.from({ length: ASSETS }, () => (0.005 + 0.015 * rand()) ** 2);
  const market = 0.01 ** 2;
  const cov = new Float64Array(ASSETS * ASSETS);
  for (let i = 0; i < ASSETS; i++) for (let j = 0; j < ASSETS; j++) cov[i * ASSETS + j] = beta[i] * beta[j] * market + (i === j ? idio[i] : 0);
  return { mean: Float64Array.from({ length: ASSETS }, () => 0.0003 * rand()), cov, weights: new Float64Array(ASSETS).fill(1 / ASSETS) };
}

export async function riskBenchmarks(): Promise<Measurement[]> {
  const { mean, cov, weights } = factorModel();
  const input = { mean, cov, weights, horizon: 1, simulations: PATHS, seed: 42 };

  // Correctness first: the simulated VaR is within 4 standard errors of the exact normal VaR of w'r.
  let m = 0;
  let v = 0;
  for (let i = 0; i < ASSETS; i++) {
    m += weights[i] * mean[i];
    for (let j = 0; j < ASSETS; j++) v += weights[i] * cov[i * ASSETS + j] * weights[j];
  }
  const [simulated] = monteCarloVar(input, [0.99]);
  const exact = normalVar(m, Math.sqrt(v), 0.99);
  check(Math.abs(simulated.var - exact.var) < 4 * simulated.standardError, `Monte Carlo VaR ${simulated.var} vs normal ${exact.var} (se ${simulated.standardError})`);

  // Daily returns for the whole analysis: the factor model drawn for 1,000 days.
  const rand = mulberry32(5);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const columns = Array.from({ length: ASSETS }, () => new Float64Array(DAYS));
  for (let t = 0; t < DAYS; t++) {
    const f = 0.01 * gauss();
    for (let i = 0; i < ASSETS; i++) columns[i][t] = mean[i] + (0.5 + (i % 10) / 10) * f + 0.01 * gauss();
  }
  const returns = Float64Array.from({ length: DAYS }, (_, t) => columns.reduce((s, c) => s + c[t] / ASSETS, 0));
  const times = Float64Array.from({ length: DAYS + 1 }, (_, t) => Date.UTC(2020, 0, 1) + t * 86_400_000);
  const names = Array.from({ length: ASSETS }, (_, i) => `A${i}`);
  const analysis = () => analyzeRisk({ returns, times, periodsPerYear: 252, assets: { names, columns, weights, fixed: true }, exitCost: 0.0005, exitCostSource: 'bench', exposure: 1 }, { ...DEFAULT_RISK_SETTINGS, horizon: 10 });

  const rows: Measurement[] = [
    await measure(`${PATHS} Monte Carlo VaR paths, ${ASSETS} assets, 1 period`, () => monteCarloVar(input, [0.95, 0.99]), { runs: 5, warmup: 1 }),
    await measure(`${PATHS} paths, ${ASSETS} assets, 10 periods compounded`, () => monteCarloVar({ ...input, horizon: 10 }, [0.95, 0.99]), { runs: 3, warmup: 1 }),
    await measure(`whole analysis: ${ASSETS} assets x ${DAYS} days, horizon 10 (every method, VaR backtest, stress, correlations)`, analysis, { runs: 3, warmup: 1 }),
  ];
  report('Risk (issue 14): target under 1 s for 100,000 Monte Carlo VaR paths of 50 assets', rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await riskBenchmarks();
