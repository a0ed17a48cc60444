/**
 * The Metrics contract, for the metrics object and the records inside it: every number finite or null (NaN and
 * ±Infinity become null), and -0 is 0. Rewrites `record`'s own number fields in place and returns it.
 */
export function finiteOrNull<T extends object>(record: T): T {
  const r = record as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    const value = r[key];
    if (typeof value === 'number') r[key] = Number.isFinite(value) ? value + 0 : null;
  }
  return record;
}
