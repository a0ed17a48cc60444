/**
 * What a search optimizes and which trials count: --objective, --minimize and --constraint, checked against
 * the metric keys. Constraints use --assert's grammar (parseAssertion), so both read "tradeCount>=30".
 */
import { METRIC_DESCRIPTIONS, METRIC_KEYS, type MetricKey } from '../../engine/metrics.js';
import { UserError, suggestion } from '../../errors.js';
import { checkAssertions, parseAssertion } from '../../report/assertions.js';
import type { Constraint } from './types.js';

/** Metrics a search can rank by: every numeric metric (not the start and end times). */
export const OBJECTIVE_KEYS: readonly MetricKey[] = METRIC_KEYS.filter((k) => METRIC_DESCRIPTIONS[k].unit !== 'time');

/** `--objective NAME`, refused with a suggestion when it is not a numeric metric key. */
export function parseObjective(name: string): MetricKey {
  const key = name.trim();
  if (!(OBJECTIVE_KEYS as readonly string[]).includes(key)) {
    throw new UserError(`--objective "${name}" is not a metric to optimize.${suggestion(key, OBJECTIVE_KEYS, 'metrics')}`, { code: 'RRR_UNKNOWN_METRIC' });
  }
  return key as MetricKey;
}

/** `--constraint "tradeCount>=30"`: METRIC OP NUMBER over a numeric metric key. */
export function parseConstraint(text: string): Constraint {
  try {
    const a = parseAssertion(text, OBJECTIVE_KEYS);
    return { metric: a.metric as MetricKey, op: a.op, value: a.value, text: a.text };
  } catch (error) {
    // parseAssertion names the flag it serves (--assert); here the user typed --constraint.
    if (error instanceof UserError) throw new UserError(error.message.replace(/^--assert\b/, '--constraint'), { code: 'RRR_BAD_CONSTRAINT' });
    throw error;
  }
}

/**
 * The first constraint these metrics fail, as the sentence a pruned trial keeps, or undefined when all hold.
 * A metric that is undefined (null) fails its constraint.
 */
export function failedConstraint(constraints: readonly Constraint[], metrics: Readonly<Record<string, unknown>>): string | undefined {
  for (const outcome of checkAssertions(constraints, metrics)) {
    if (!outcome.passed) return `constraint ${outcome.text} failed (${outcome.metric} is ${outcome.actual ?? 'undefined'})`;
  }
  return undefined;
}

/** The metrics a trial must compute: the objective, the constraints' metrics, and those a report shows. */
export function neededMetrics(objective: MetricKey, constraints: readonly Constraint[], shown: readonly MetricKey[] = []): MetricKey[] {
  const keys = new Set<MetricKey>([objective, ...constraints.map((c) => c.metric), ...shown]);
  return METRIC_KEYS.filter((k) => keys.has(k));
}
