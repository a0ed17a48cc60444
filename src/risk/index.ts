/** Risk analytics as pure numerics: VaR/CVaR, the VaR backtest, stress scenarios, dependence and concentration. */
export { cornishFisherQuantile, cornishFisherVar, historicalVar, normalVar, overlappingReturns, returnMoments, tailCount, type ReturnMoments, type VarEstimate } from './var.js';
export { monteCarloVar, simulatePortfolioReturns, type MonteCarloVar, type MonteCarloVarInput } from './monte-carlo.js';
export { NormalStream } from './normal-draws.js';
export { binomialCdf, kupiecTest, trafficLight, type KupiecTest, type TrafficLight, type TrafficLightZone } from './kupiec.js';
export { backtestVar, BACKTESTED_METHODS, type BacktestedMethod, type VarBacktest } from './var-backtest.js';
export { HISTORICAL_SCENARIOS, stressScenarios, type StressInput, type StressResult } from './stress.js';
export { betaTo, concentration, correlationReport, riskContributions, type Beta, type Concentration, type CorrelationReport, type PairStability } from './dependence.js';
export { analyzeRisk, confidenceLabel, DEFAULT_RISK_SETTINGS, riskMetricKeys, VAR_METHODS, varMetricKey, type RiskInput, type RiskReport, type RiskSettings, type VarMethod, type VarRow } from './analyze.js';
