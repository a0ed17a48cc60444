/** How steady the chosen parameters are across walk-forward windows. */
import type { ParamValue } from '../search/space.js';

export interface ParameterStability {
  param: string;
  /** The value each window chose, in window order (null: that window had no winner). */
  values: (ParamValue | null)[];
  /** The value chosen most often (the earliest chosen among ties); null when no window had a winner. */
  mode: ParamValue | null;
  /** Windows choosing the mode over windows with a winner (1: the same value every time). */
  modeShare: number | null;
  /** Numeric parameters: mean and sample standard deviation (n - 1) of the chosen values. */
  mean?: number;
  std?: number | null;
  /** Coefficient of variation, std / |mean|: null with fewer than 2 winners or a zero mean. */
  coefficientOfVariation?: number | null;
}

/** One entry per parameter name, from each window's winning parameters (undefined: no winner). */
export function parameterStability(names: readonly string[], chosen: readonly (Readonly<Record<string, ParamValue>> | undefined)[]): ParameterStability[] {
  return names.map((param) => {
    const values = chosen.map((p) => (p === undefined ? null : (p[param] ?? null)));
    const present = values.filter((v): v is ParamValue => v !== null);
    const counts = new Map<ParamValue, number>();
    for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
    let mode: ParamValue | null = null;
    let top = 0;
    for (const [v, c] of counts) if (c > top) [mode, top] = [v, c];
    const out: ParameterStability = { param, values, mode, modeShare: present.length > 0 ? top / present.length : null };
    if (present.length > 0 && present.every((v) => typeof v === 'number')) {
      const xs = present as number[];
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = xs.length >= 2 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : null;
      out.mean = mean;
      out.std = std;
      out.coefficientOfVariation = std !== null && mean !== 0 ? std / Math.abs(mean) : null;
    }
    return out;
  });
}
