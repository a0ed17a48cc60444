/**
 * A backtest of the VaR itself: at every period t from `window` on, each method's one-period VaR is estimated
 * from the `window` returns before t only, and the period is an exception when its loss exceeds that VaR
 * (r_t < -VaR_t). The count is judged by Kupiec's test and the Basel traffic light.
 */
import { kupiecTest, trafficLight, type KupiecTest, type TrafficLightZone } from './kupiec.js';
import { cornishFisherVar, historicalVar, normalVar, returnMoments } from './var.js';

/** Monte Carlo is left out: re-simulating at every period would cost simulations x periods draws. */
export const BACKTESTED_METHODS = ['historical', 'normal', 'cornish-fisher'] as const;
export type BacktestedMethod = (typeof BACKTESTED_METHODS)[number];

export interface VarBacktest {
  method: BacktestedMethod;
  confidence: number;
  window: number;
  /** Index of the first tested return (= window). */
  firstIndex: number;
  kupiec: KupiecTest;
  trafficLight: TrafficLightZone;
}

export function backtestVar(returns: Float64Array, window: number, confidences: readonly number[]): VarBacktest[] {
  const n = returns.length;
  if (!(Number.isInteger(window) && window >= 2)) throw new RangeError(`The VaR backtest window must be a whole number of 2 or more periods, not ${window}.`);
  if (n - window < 1) throw new RangeError(`A VaR backtest with a ${window}-period window needs more than ${window} returns; there are ${n}.`);
  const exceptions = new Map<string, number>();
  const count = (method: BacktestedMethod, c: number) => exceptions.set(`${method}@${c}`, (exceptions.get(`${method}@${c}`) ?? 0) + 1);
  for (let t = window; t < n; t++) {
    const past = returns.subarray(t - window, t);
    const moments = returnMoments(past);
    for (const c of confidences) {
      const loss = -returns[t];
      if (loss > historicalVar(past, c).var) count('historical', c);
      if (loss > normalVar(moments.mean, moments.sd, c).var) count('normal', c);
      if (loss > cornishFisherVar(moments.mean, moments.sd, moments.skewness, moments.excessKurtosis, c).var) count('cornish-fisher', c);
    }
  }
  const observations = n - window;
  return BACKTESTED_METHODS.flatMap((method) =>
    confidences.map((c) => {
      const x = exceptions.get(`${method}@${c}`) ?? 0;
      return { method, confidence: c, window, firstIndex: window, kupiec: kupiecTest(x, observations, 1 - c), trafficLight: trafficLight(x, observations, 1 - c) };
    }),
  );
}
