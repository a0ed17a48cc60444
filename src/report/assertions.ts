import { UserError, suggestion } from '../errors.js';

/** One `--assert` bar: a metric, a comparison and a number, e.g. "sharpe>1" or "maxDrawdownPct<25". */
export interface Assertion {
  text: string;
  metric: string;
  op: '>' | '>=' | '<' | '<=' | '==' | '!=';
  value: number;
}

export interface AssertionOutcome extends Assertion {
  actual: number | null;
  passed: boolean;
}

const PATTERN = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(>=|<=|==|!=|>|<)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?)\s*$/i;

export function parseAssertion(text: string, metricKeys: readonly string[]): Assertion {
  const match = PATTERN.exec(text);
  if (!match) {
    throw new UserError(`--assert "${text}" is not METRIC OP NUMBER: write it like "sharpe>1" or "maxDrawdownPct<=25" (OP is one of > >= < <= == !=).`);
  }
  const [, metric, op, value] = match;
  if (!metricKeys.includes(metric)) {
    throw new UserError(`--assert "${text}": unknown metric "${metric}".${suggestion(metric, metricKeys, 'metrics')}`);
  }
  return { text: text.trim(), metric, op: op as Assertion['op'], value: Number(value) };
}

export function checkAssertions(assertions: readonly Assertion[], metrics: Readonly<Record<string, unknown>>): AssertionOutcome[] {
  return assertions.map((a) => {
    const raw = metrics[a.metric];
    const actual = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    let passed = false;
    if (actual !== null) {
      passed = { '>': actual > a.value, '>=': actual >= a.value, '<': actual < a.value, '<=': actual <= a.value, '==': actual === a.value, '!=': actual !== a.value }[a.op];
    }
    return { ...a, actual, passed };
  });
}
