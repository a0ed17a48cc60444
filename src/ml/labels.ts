/**
 * Labels: what a model learns to predict, always from bars after t (so never usable as features).
 *   forward:1,4,24                   log return from the close of t to the close of t+h, one column per h
 *   triple-barrier:up=0.02,down=0.02,horizon=24
 *                                    +1 when the high reaches close[t]*(1+up) first within the next horizon
 *                                    bars, -1 when the low reaches close[t]*(1-down) first, 0 at the
 *                                    vertical barrier (López de Prado, AFML ch. 3); a bar touching both is -1
 *                                    (the stop is assumed hit first, the conservative reading).
 * A label is NaN where its future bars are not in the data.
 */
import type { Bars } from '../data/bars.js';
import { UserError } from '../errors.js';

export type LabelSpec = { readonly kind: 'forward'; readonly horizon: number } | { readonly kind: 'triple-barrier'; readonly up: number; readonly down: number; readonly horizon: number };

export interface LabelColumn {
  readonly name: string;
  readonly spec: LabelSpec;
  readonly values: Float64Array;
  /** Bars after t the label looks at: the purge a walk-forward split needs. */
  readonly horizon: number;
}

const ACCEPTED = 'forward:H[,H...] or triple-barrier:up=U,down=D,horizon=H (like forward:1,4,24|triple-barrier:up=0.02,down=0.02,horizon=24)';

/** `forward:1,4,24|triple-barrier:up=0.02,down=0.02,horizon=24` -> label specs, in order. */
export function parseLabels(text: string): LabelSpec[] {
  const specs: LabelSpec[] = [];
  for (const part of text.split('|').map((p) => p.trim())) {
    const [kind, body = ''] = part.split(/:(.*)/s, 2).map((s) => s.trim());
    if (kind === 'forward') {
      const horizons = body.split(',').map((h) => h.trim());
      if (body === '' || horizons.some((h) => !/^\d+$/.test(h) || Number(h) < 1)) throw new UserError(`--labels ${part}: forward needs whole horizons of 1 bar or more, like forward:1,4,24.`, { code: 'RRR_BAD_LABELS' });
      for (const h of horizons) specs.push({ kind: 'forward', horizon: Number(h) });
    } else if (kind === 'triple-barrier') {
      const fields: Record<string, number> = {};
      for (const entry of body.split(',')) {
        const m = /^\s*(up|down|horizon)\s*=\s*([0-9.]+)\s*$/.exec(entry);
        if (!m || !Number.isFinite(Number(m[2]))) throw new UserError(`--labels ${part}: give triple-barrier:up=U,down=D,horizon=H with positive numbers (like up=0.02,down=0.02,horizon=24).`, { code: 'RRR_BAD_LABELS' });
        fields[m[1]] = Number(m[2]);
      }
      const { up, down, horizon } = fields;
      if (!(up > 0) || !(down > 0 && down < 1) || !(Number.isInteger(horizon) && horizon >= 1)) {
        throw new UserError(`--labels ${part}: triple-barrier needs up > 0, down between 0 and 1 and a whole horizon of 1 bar or more (like up=0.02,down=0.02,horizon=24).`, { code: 'RRR_BAD_LABELS' });
      }
      specs.push({ kind: 'triple-barrier', up, down, horizon });
    } else {
      throw new UserError(`--labels "${part}" is not a label rrr makes: use ${ACCEPTED}.`, { code: 'RRR_BAD_LABELS' });
    }
  }
  return specs;
}

export function labelName(spec: LabelSpec): string {
  return spec.kind === 'forward' ? `fwd_${spec.horizon}` : `tb_${spec.up}_${spec.down}_${spec.horizon}`;
}

export function forwardReturn(close: Float64Array, horizon: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  for (let t = 0; t + horizon < n; t++) out[t] = Math.log(close[t + horizon] / close[t]);
  return out;
}

export function tripleBarrier(bars: Bars, up: number, down: number, horizon: number): Float64Array {
  const { close, high, low } = bars;
  const n = bars.length;
  const out = new Float64Array(n).fill(NaN);
  for (let t = 0; t + horizon < n; t++) {
    const upper = close[t] * (1 + up);
    const lower = close[t] * (1 - down);
    let label = 0;
    for (let k = t + 1; k <= t + horizon; k++) {
      if (low[k] <= lower) {
        label = -1;
        break;
      }
      if (high[k] >= upper) {
        label = 1;
        break;
      }
    }
    out[t] = label;
  }
  return out;
}

export function computeLabels(bars: Bars, specs: readonly LabelSpec[]): LabelColumn[] {
  return specs.map((spec) => ({
    name: labelName(spec),
    spec,
    horizon: spec.horizon,
    values: spec.kind === 'forward' ? forwardReturn(bars.close, spec.horizon) : tripleBarrier(bars, spec.up, spec.down, spec.horizon),
  }));
}
