/**
 * Trial outputs as one Float64Array (a row per trial) plus the rare error sentences: what a pool worker sends
 * back, transferred rather than copied, instead of one object per trial. Decoding gives objects equal to
 * runTrial's own, bit for bit (a metric runTrial reports as null travels as NaN: it never reports NaN itself).
 */
import { METRIC_KEYS, type MetricKey } from '../../engine/metrics.js';
import type { ReturnMoments } from '../overfitting/sharpe-stats.js';
import type { SweepSpec, TrialOutput } from './types.js';

const MOMENTS = ['count', 'mean', 'std', 'sharpe', 'skewness', 'kurtosis'] as const satisfies readonly (keyof ReturnMoments)[];

export interface PackedOutputs {
  numbers: Float64Array;
  /** Per trial: its error sentence, or null. Undefined when no trial failed. */
  errors?: (string | null)[];
}

/** Row layout: number, has-moments flag, the metrics, the moments, then the 2S block statistics. */
function layout(spec: SweepSpec) {
  const keys: readonly MetricKey[] = spec.metrics ?? METRIC_KEYS;
  const blocks = spec.pboSplits > 0 ? 2 * spec.pboSplits : 0;
  const moments = 2 + keys.length;
  return { keys, moments, blocks: moments + MOMENTS.length, blockWidth: blocks, width: moments + MOMENTS.length + blocks };
}

export function packOutputs(spec: SweepSpec, outputs: readonly TrialOutput[]): PackedOutputs {
  const l = layout(spec);
  const numbers = new Float64Array(outputs.length * l.width).fill(NaN);
  let errors: (string | null)[] | undefined;
  outputs.forEach((o, i) => {
    const row = i * l.width;
    numbers[row] = o.number;
    if (o.error !== undefined) {
      errors ??= outputs.map(() => null);
      errors[i] = o.error;
      return;
    }
    l.keys.forEach((key, k) => {
      const value = o.metrics[key];
      if (typeof value === 'number') numbers[row + 2 + k] = value;
    });
    if (o.moments) {
      numbers[row + 1] = 1;
      MOMENTS.forEach((m, k) => (numbers[row + l.moments + k] = o.moments![m]));
    }
    if (o.blocks) numbers.set(o.blocks, row + l.blocks);
  });
  return { numbers, errors };
}

export function unpackOutputs(spec: SweepSpec, packed: PackedOutputs): TrialOutput[] {
  const l = layout(spec);
  const { numbers, errors } = packed;
  const count = numbers.length / l.width;
  const outputs: TrialOutput[] = [];
  for (let i = 0; i < count; i++) {
    const row = i * l.width;
    const error = errors?.[i];
    if (error != null) {
      outputs.push({ number: numbers[row], metrics: {}, error });
      continue;
    }
    const metrics: TrialOutput['metrics'] = {};
    l.keys.forEach((key, k) => {
      const value = numbers[row + 2 + k];
      metrics[key] = Number.isNaN(value) ? null : value;
    });
    const output: TrialOutput = { number: numbers[row], metrics };
    if (numbers[row + 1] === 1) output.moments = Object.fromEntries(MOMENTS.map((m, k) => [m, numbers[row + l.moments + k]])) as unknown as ReturnMoments;
    if (l.blockWidth > 0) output.blocks = numbers.slice(row + l.blocks, row + l.blocks + l.blockWidth);
    outputs.push(output);
  }
  return outputs;
}
