/**
 * Tests of a VaR model's exception count: Kupiec's (1995) proportion-of-failures likelihood ratio and the
 * Basel Committee's (1996) traffic-light zones. Pure numerics.
 */
import { normalCdf } from '../stats/normal.js';

export interface KupiecTest {
  observations: number;
  exceptions: number;
  /** The exception probability the VaR promises: 1 - confidence. */
  expectedRate: number;
  observedRate: number;
  /** LR_POF, chi-square with 1 degree of freedom under the null (the VaR's exception rate is right). */
  statistic: number;
  /** P(chi2(1) >= statistic) = 2 (1 - Phi(sqrt(statistic))). */
  pValue: number;
  /** The null is rejected at the 5% level (pValue < 0.05). */
  rejectAt5: boolean;
}

/** x ln(y), 0 when x is 0 (the limit the likelihood takes for no exceptions or all exceptions). */
const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));

/**
 * Kupiec's POF test: LR = -2 ln[(1 - p)^(T - x) p^x] + 2 ln[(1 - x/T)^(T - x) (x/T)^x] for x exceptions in T
 * observations of a VaR whose exception probability is p.
 */
export function kupiecTest(exceptions: number, observations: number, expectedRate: number): KupiecTest {
  if (!(Number.isInteger(observations) && observations >= 1)) throw new RangeError(`Kupiec's test needs 1 or more observations, not ${observations}.`);
  if (!(Number.isInteger(exceptions) && exceptions >= 0 && exceptions <= observations)) throw new RangeError(`Exceptions must be a whole number from 0 to ${observations}, not ${exceptions}.`);
  if (!(expectedRate > 0 && expectedRate < 1)) throw new RangeError(`The expected exception rate must be between 0 and 1, not ${expectedRate}.`);
  const t = observations;
  const x = exceptions;
  const observedRate = x / t;
  const nullLog = xlogy(t - x, 1 - expectedRate) + xlogy(x, expectedRate);
  const fitLog = xlogy(t - x, 1 - observedRate) + xlogy(x, observedRate);
  // Rounding can leave a tiny negative when the observed rate equals the expected one.
  const statistic = Math.max(0, -2 * (nullLog - fitLog));
  const pValue = Math.min(1, 2 * normalCdf(-Math.sqrt(statistic)));
  return { observations: t, exceptions: x, expectedRate, observedRate, statistic, pValue, rejectAt5: pValue < 0.05 };
}

/** P(X <= x) for X ~ Binomial(n, p), summed in log space so (1 - p)^n may underflow without harm. */
export function binomialCdf(x: number, n: number, p: number): number {
  if (x < 0) return 0;
  if (x >= n) return 1;
  let logPmf = n * Math.log1p(-p);
  let sum = Math.exp(logPmf);
  const ratio = Math.log(p) - Math.log1p(-p);
  for (let k = 0; k < x; k++) {
    logPmf += Math.log(n - k) - Math.log(k + 1) + ratio;
    sum += Math.exp(logPmf);
  }
  return Math.min(1, sum);
}

export type TrafficLight = 'green' | 'yellow' | 'red';

export interface TrafficLightZone {
  zone: TrafficLight;
  /** P(X <= exceptions) for an accurate VaR: Binomial(observations, expectedRate). */
  cumulativeProbability: number;
}

/**
 * The Basel traffic light: green while the cumulative probability of the exception count is below 95%, yellow
 * below 99.99%, red from there. Basel defines it for a 99% VaR over 250 days (green 0-4, yellow 5-9, red 10+);
 * the same rule is applied to other confidences and lengths.
 */
export function trafficLight(exceptions: number, observations: number, expectedRate: number): TrafficLightZone {
  const cumulativeProbability = binomialCdf(exceptions, observations, expectedRate);
  const zone: TrafficLight = cumulativeProbability < 0.95 ? 'green' : cumulativeProbability < 0.9999 ? 'yellow' : 'red';
  return { zone, cumulativeProbability };
}
