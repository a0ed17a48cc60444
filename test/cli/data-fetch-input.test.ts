import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { rrrAsync as rrrRaw } from '../helpers/polygon-emulator.js';

const KEY = 'cli-polygon-key';
const rrrAsync = (args: readonly string[], env: Record<string, string | undefined> = {}, onSpawn?: (kill: () => void) => void) => rrrRaw(args, { POLYGON_API_KEY: KEY, ...env }, onSpawn);


describe('rrr data fetch: bad input is one sentence, a non-zero exit, and nothing stored', () => {
  const cases: Array<[string, string[], Record<string, string | undefined>, RegExp, number]> = [
    ['no POLYGON_API_KEY', ['--vendor', 'polygon', '--since', '2020'], { POLYGON_API_KEY: undefined }, /^Error: Polygon needs an API key: set POLYGON_API_KEY to the key of your polygon\.io account \(rrr never prints it\)\.$/, 2],
    ['--since after --until', ['--vendor', 'polygon', '--since', '2021', '--until', '2020'], {}, /^Error: --since 2021 is after --until 2020: give a --since on or before --until\.$/, 2],
    ['--since in the future', ['--vendor', 'polygon', '--since', '2999-01-01'], {}, /^Error: --since 2999-01-01 is in the future \(now is .*\): give a time in the past\.$/, 2],
    ['an unknown source in the list', ['--source', 'polygon,binanse', '--since', '2020'], {}, /^Error: Unknown source "binanse": give an exchange ccxt knows or a vendor \(polygon\)\. Did you mean "binance"\?$/, 2],
    ['an unknown exchange', ['--exchange', 'krakn', '--since', '2020'], {}, /^Error: Unknown source "krakn": .* Did you mean "kraken"\?$/, 2],
    ['an unknown vendor', ['--vendor', 'polygn', '--since', '2020'], {}, /^Error: Unknown vendor "polygn": rrr reads polygon \(exchanges go with --exchange\)\.$/, 2],
    ['no source at all', ['--since', '2020'], {}, /^Error: rrr data fetch needs a source: --exchange NAME, --source A,B or --vendor polygon\.$/, 2],
  ];
  it.each(cases)('%s', async (_label, args, env, message, status) => {
    const db = join(tempDir(), 'never.duckdb');
    const r = await rrrAsync(['data', 'fetch', '--symbol', 'DEMO', '--timeframe', '1d', '--db', db, ...args], env);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.status).toBe(status);
    expect(existsSync(db)).toBe(false);
  });
});
