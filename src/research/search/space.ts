/**
 * A search space: one dimension per strategy parameter, taken from the strategy's ParamSchema (its declared
 * min/max or options) and narrowed by explicit ranges such as `--grid fast=5:50:5` or `--grid mode=a,b`.
 */
import { UserError, suggestion } from '../../errors.js';
import { parseParamValue, type ParamSchema, type ParamSpec } from '../../strategies/params.js';

/** One parameter value as a trial carries it: numbers for int/float, strings for choice, booleans for bool. */
export type ParamValue = number | string | boolean;

/**
 * One searchable parameter. `int` and `float` are ranges (an int always has a step, 1 unless given; a float
 * has one only when quantized); `values` is an explicit finite list (choices, booleans, `a,b,c`).
 */
export type Dimension =
  | { readonly kind: 'int'; readonly name: string; readonly low: number; readonly high: number; readonly step: number }
  | { readonly kind: 'float'; readonly name: string; readonly low: number; readonly high: number; readonly step?: number }
  | { readonly kind: 'values'; readonly name: string; readonly values: readonly ParamValue[] };

/** The dimensions in a fixed order (the schema's declaration order), which fixes grid order and RNG use. */
export interface SearchSpace {
  readonly dimensions: readonly Dimension[];
}

/** A grid above this many trials needs an explicit allow flag (`--yes`). */
export const MAX_GRID_TRIALS = 1_000_000;

/** The dimension a schema entry declares: its whole min..max range, or all its options. */
export function dimensionFromSpec(name: string, spec: ParamSpec): Dimension {
  if (spec.kind === 'int') return { kind: 'int', name, low: spec.min, high: spec.max, step: spec.step ?? 1 };
  if (spec.kind === 'float') return spec.step === undefined ? { kind: 'float', name, low: spec.min, high: spec.max } : { kind: 'float', name, low: spec.min, high: spec.max, step: spec.step };
  if (spec.kind === 'choice') return { kind: 'values', name, values: [...spec.options] };
  return { kind: 'values', name, values: [false, true] };
}

/**
 * The search space of a strategy: every declared parameter over its declared range, except those `ranges`
 * narrows (from parseGridFlags) and those `fixed` pins to a single value (from --param).
 */
export function spaceFromSchema(schema: ParamSchema, ranges: Readonly<Record<string, Dimension>> = {}, fixed: Readonly<Record<string, ParamValue>> = {}): SearchSpace {
  const dimensions: Dimension[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    if (ranges[name]) dimensions.push(ranges[name]);
    else if (fixed[name] !== undefined) dimensions.push({ kind: 'values', name, values: [fixed[name]] });
    else dimensions.push(dimensionFromSpec(name, spec));
  }
  return { dimensions };
}

/** Number of distinct values of a dimension on a grid, or undefined for an unquantized float. */
export function dimensionSize(d: Dimension): number | undefined {
  if (d.kind === 'values') return d.values.length;
  if (d.step === undefined) return undefined;
  return Math.floor((d.high - d.low) / d.step + 1e-9) + 1;
}

/** The i-th grid value of a stepped range, rounded to the decimals its bounds and step were written with. */
export function steppedValue(d: Dimension & { kind: 'int' | 'float' }, i: number): number {
  const step = d.step ?? 0;
  const raw = d.low + i * step;
  if (d.kind === 'int') return Math.round(raw);
  // low + i * step drifts in binary (0.1 * 3 = 0.30000000000000004); round to the written precision.
  const decimals = Math.min(15, Math.max(decimalsOf(d.low), decimalsOf(step)));
  return Number(raw.toFixed(decimals));
}

function decimalsOf(x: number): number {
  const text = String(x);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Number(exp[1]) + (text.split('e')[0].split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}

/** All values of a finite dimension in grid order; throws RangeError for an unquantized float. */
export function dimensionValues(d: Dimension): ParamValue[] {
  if (d.kind === 'values') return [...d.values];
  const n = dimensionSize(d);
  if (n === undefined) throw new RangeError(`dimension ${d.name} is a continuous range and has no grid values`);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = steppedValue(d, i);
  return out;
}

/** The number of grid points of a space, or undefined when a dimension is continuous. */
export function gridSize(space: SearchSpace): number | undefined {
  let size = 1;
  for (const d of space.dimensions) {
    const n = dimensionSize(d);
    if (n === undefined) return undefined;
    size *= n;
  }
  return size;
}

const ENTRY = /^\s*([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*$/;

/**
 * Parses `--grid` entries (`NAME=START:END:STEP`, `NAME=START:END` for integers, `NAME=a,b,c`) against a
 * strategy's schema. Every value must lie in the parameter's declared range; a bad entry is one sentence.
 */
export function parseGridFlags(strategy: string, schema: ParamSchema, entries: readonly string[] = []): Record<string, Dimension> {
  const out: Record<string, Dimension> = {};
  const names = Object.keys(schema);
  for (const entry of entries) {
    const match = ENTRY.exec(entry);
    if (!match) throw new UserError(`--grid "${entry}" is not NAME=START:END:STEP or NAME=a,b,c: write it like --grid fast=5:50:5.`);
    const [, name, body] = match;
    const spec = schema[name];
    if (!spec) {
      throw new UserError(`${strategy} has no parameter "${name}" to search.${suggestion(name, names, 'parameters').replace(/ Known parameters:/, ' Its parameters are:')}`, { code: 'RRR_UNKNOWN_PARAM' });
    }
    if (out[name]) throw new UserError(`--grid gives ${name} twice: give each parameter one range.`);
    if (body === '') throw new UserError(`--grid ${name}= is an empty range: give START:END:STEP or a list a,b,c.`);
    out[name] = body.includes(':') ? parseRange(strategy, name, spec, body) : parseList(strategy, name, spec, body);
  }
  return out;
}

function parseRange(strategy: string, name: string, spec: ParamSpec, body: string): Dimension {
  const parts = body.split(':').map((p) => p.trim());
  if (spec.kind !== 'int' && spec.kind !== 'float') {
    throw new UserError(`--grid ${name}=${body}: ${name} is a ${spec.kind === 'bool' ? 'true/false' : 'choice'} parameter, so give a list like ${name}=${spec.kind === 'bool' ? 'true,false' : spec.options.slice(0, 2).join(',')}.`);
  }
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new UserError(`--grid ${name}=${body} is not START:END:STEP: write it like ${name}=${spec.min}:${spec.max}:${spec.kind === 'int' ? 1 : (spec.max - spec.min) / 10}.`);
  }
  if (parts.length === 2 && spec.kind === 'float') throw new UserError(`--grid ${name}=${body} needs a step for a decimal parameter: write ${name}=${parts[0]}:${parts[1]}:STEP.`);
  const low = parseParamValue(strategy, name, spec, parts[0]) as number;
  const high = parseParamValue(strategy, name, spec, parts[1]) as number;
  const stepText = parts[2] ?? '1';
  const step = Number(stepText);
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(stepText) || !Number.isFinite(step)) throw new UserError(`--grid ${name}=${body}: the step ${stepText} is not a number.`);
  if (step === 0) throw new UserError(`--grid ${name}=${body} has a zero step: use a positive step such as ${name}=${parts[0]}:${parts[1]}:1.`);
  if (step < 0) throw new UserError(`--grid ${name}=${body} has a negative step: write ranges from low to high with a positive step.`);
  if (spec.kind === 'int' && !Number.isInteger(step)) throw new UserError(`--grid ${name}=${body}: ${name} is an integer, so its step must be a whole number.`);
  if (low > high) throw new UserError(`--grid ${name}=${body} is an inverted range: START must not exceed END (try ${name}=${parts[1]}:${parts[0]}${parts[2] ? `:${parts[2]}` : ''}).`);
  return spec.kind === 'int' ? { kind: 'int', name, low, high, step } : { kind: 'float', name, low, high, step };
}

function parseList(strategy: string, name: string, spec: ParamSpec, body: string): Dimension {
  const items = body.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UserError(`--grid ${name}=${body} has an empty item: separate values with single commas, like ${name}=a,b,c.`);
  const values: ParamValue[] = [];
  for (const item of items) {
    const value = parseParamValue(strategy, name, spec, item);
    if (!values.includes(value)) values.push(value);
  }
  return { kind: 'values', name, values };
}

/** The one-sentence refusal of a grid above MAX_GRID_TRIALS unless `allowLarge` (`--yes`) is given. */
export function checkGridSize(space: SearchSpace, allowLarge = false): number {
  const size = gridSize(space);
  if (size === undefined) {
    const d = space.dimensions.find((x) => dimensionSize(x) === undefined)!;
    throw new UserError(`A grid needs a step for every decimal parameter, and ${d.name} has none: give --grid ${d.name}=START:END:STEP.`);
  }
  if (size > MAX_GRID_TRIALS && !allowLarge) {
    throw new UserError(`The grid has ${size.toLocaleString('en-US')} trials, over the ${MAX_GRID_TRIALS.toLocaleString('en-US')} limit: narrow it with --grid NAME=START:END:STEP, use --method random or tpe, or pass --yes to run it anyway.`);
  }
  return size;
}
