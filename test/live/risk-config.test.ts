import { Parser } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { riskConfigFromFlags, riskFlags } from '../../src/commands/_risk-flags.js';
import { describeRiskConfig, parseRiskConfig, riskConfigFromJson } from '../../src/live/risk-config.js';
import { UserError } from '../../src/errors.js';

const parseArgv = async (argv: string[]) => riskConfigFromFlags((await Parser.parse(argv, { flags: riskFlags, strict: true })).flags);

describe('risk flags', () => {
  it('parses every flag as a user types it', async () => {
    const config = await parseArgv([
      '--max-position', '0.5',
      '--max-position-notional', '50000',
      '--max-order-notional', '1e4',
      '--max-orders-per-minute', '10',
      '--daily-loss-limit', '5%',
      '--max-drawdown', '20%',
      '--cooldown', '3',
      '--max-stops', '3/1d',
    ]);
    expect(config).toEqual({
      maxPosition: 0.5,
      maxPositionNotional: 50000,
      maxOrderNotional: 10000,
      maxOrdersPerMinute: 10,
      dailyLossLimit: { kind: 'fraction', fraction: 0.05 },
      maxDrawdown: 0.2,
      cooldown: { kind: 'bars', bars: 3 },
      maxStops: { count: 3, period: { kind: 'duration', ms: 86_400_000, text: '1d' } },
    });
    expect(describeRiskConfig(config)).toEqual([
      'max position: 0.5 units',
      'max position notional: 50000',
      'max order notional: 10000',
      'max orders per minute: 10',
      "daily loss limit: 5% of the day's starting equity",
      'max drawdown: 20% from peak equity',
      'cooldown after a stop-loss: 3 bars',
      'max stop-losses: 3 per 1d',
    ]);
    expect(await parseArgv([])).toEqual({});
  });

  it('reads cash or percent loss limits, bar or duration lengths', () => {
    expect(parseRiskConfig({ 'daily-loss-limit': '500' }).dailyLossLimit).toEqual({ kind: 'cash', amount: 500 });
    expect(parseRiskConfig({ 'max-drawdown': '0.15' }).maxDrawdown).toBe(0.15);
    expect(parseRiskConfig({ cooldown: '5b' }).cooldown).toEqual({ kind: 'bars', bars: 5 });
    expect(parseRiskConfig({ cooldown: '90m' }).cooldown).toEqual({ kind: 'duration', ms: 5_400_000, text: '90m' });
    expect(parseRiskConfig({ cooldown: '60m' }).cooldown).toEqual({ kind: 'duration', ms: 3_600_000, text: '1h' });
    expect(parseRiskConfig({ 'max-stops': '2/50' }).maxStops).toEqual({ count: 2, period: { kind: 'bars', bars: 50 } });
    expect(parseRiskConfig({ 'max-stops': '2/24h' }).maxStops).toEqual({ count: 2, period: { kind: 'duration', ms: 86_400_000, text: '1d' } });
  });

  it('refuses bad values with one sentence naming the flag and what is accepted (exit 2)', () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'max-position': '-1' }, '--max-position "-1" is not valid: use a number of base units greater than 0 such as 0.5.'],
      [{ 'max-position': '0x10' }, '--max-position "0x10" is not valid: use a number of base units greater than 0 such as 0.5.'],
      [{ 'max-order-notional': 'Infinity' }, '--max-order-notional "Infinity" is not valid: use an amount of quote currency greater than 0 such as 10000.'],
      [{ 'max-orders-per-minute': '2.5' }, '--max-orders-per-minute "2.5" is not valid: use a whole number of orders, 1 or more, such as 10.'],
      [{ 'daily-loss-limit': '120%' }, "--daily-loss-limit \"120%\" is not valid: use an amount of quote currency such as 500, or a percentage of the day's starting equity such as 5%."],
      [{ 'max-drawdown': '20' }, '--max-drawdown 20 would be 2000% of peak equity: write 20% if a percentage is meant, or a fraction below 1.'],
      [{ 'max-drawdown': '100%' }, '--max-drawdown "100%" is not valid: use a percentage of peak equity such as 20% (or the fraction 0.2), below 100%.'],
      [{ cooldown: '2mo' }, '--cooldown "2mo" is not valid: use a number of bars (3 or 3b) or a duration (30m, 4h, 1d).'],
      [{ cooldown: '0' }, '--cooldown "0" is not valid: use a number of bars (3 or 3b) or a duration (30m, 4h, 1d).'],
      [{ 'max-stops': '3' }, '--max-stops "3" is not valid: use COUNT/PERIOD such as 3/1d, 3/24h or 2/50 (stop-losses within a duration or a number of bars).'],
      [{ 'max-stops': '0/1d' }, '--max-stops "0/1d" is not valid: use COUNT/PERIOD such as 3/1d, 3/24h or 2/50 (stop-losses within a duration or a number of bars).'],
      [{ 'max-stops': '3/soon' }, '--max-stops "3/soon" is not valid: use COUNT/PERIOD such as 3/1d, 3/24h or 2/50 (stop-losses within a duration or a number of bars).'],
      [{ 'max-model-age': '30' }, '--max-model-age "30" is not valid: use a duration such as 30d, 12h or 2w.'],
      [{ 'max-model-age': '3mo' }, '--max-model-age "3mo" is not valid: use a duration such as 30d, 12h or 2w.'],
      [{ 'drift-window': '10' }, '--drift-window "10" is not valid: use a whole number of bars, 20 or more, such as 250.'],
      [{ 'drift-window': '2.5' }, '--drift-window "2.5" is not valid: use a whole number of bars, 20 or more, such as 250.'],
      [{ 'drift-psi': '0' }, '--drift-psi "0" is not valid: use a population stability index greater than 0 such as 0.25.'],
      [{ 'drift-ks-p': '1' }, '--drift-ks-p "1" is not valid: use a p-value threshold above 0 and below 1 such as 0.01.'],
      [{ 'on-drift': 'stop' }, '--on-drift "stop" is not valid: use warn (a note and rrr status) or halt (no new entries while a feature drifts).'],
    ];
    for (const [flags, message] of cases) {
      let error: unknown;
      try {
        parseRiskConfig(flags);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(flags)).toBeInstanceOf(UserError);
      expect((error as UserError).message).toBe(message);
      expect((error as UserError).exitCode).toBe(2);
    }
  });

  it('reads the model flags: an age as a duration, drift thresholds, warn or halt', () => {
    const config = parseRiskConfig({ 'max-model-age': '30d', 'drift-window': '500', 'drift-psi': '0.5', 'drift-ks-p': '0.001', 'on-drift': 'HALT' });
    expect(config).toEqual({ maxModelAge: { ms: 30 * 86_400_000, text: '30d' }, drift: { window: 500, psi: 0.5, ksPValue: 0.001, action: 'halt' } });
    expect(parseRiskConfig({ 'max-model-age': '12h' }).maxModelAge).toEqual({ ms: 12 * 3_600_000, text: '12h' });
    expect(describeRiskConfig(config)).toEqual(['max model age: 30d', 'model drift: PSI > 0.5 and KS p < 0.001 over the last 500 bars halts new entries']);
    expect(describeRiskConfig(parseRiskConfig({ 'on-drift': 'warn' }))).toEqual(['model drift: PSI > 0.25 and KS p < 0.01 over the last 250 bars warns']);
    expect(riskConfigFromJson(JSON.parse(JSON.stringify(config)))).toEqual(config);
    expect(() => riskConfigFromJson({ drift: { action: 'stop' } })).toThrow('"drift.action"');
    expect(() => riskConfigFromJson({ maxModelAge: { ms: -1, text: '1d' } })).toThrow('"maxModelAge"');
  });

  it('reads a config back from a journal and refuses one that was tampered with', () => {
    const config = parseRiskConfig({ 'max-position': '2', 'daily-loss-limit': '3%', cooldown: '15m', 'max-stops': '2/10' });
    expect(riskConfigFromJson(JSON.parse(JSON.stringify(config)))).toEqual(config);
    expect(() => riskConfigFromJson({ maxPosition: -2 })).toThrow('The run\'s risk settings have an invalid "maxPosition": start a new run with the risk flags instead of resuming this one.');
    expect(() => riskConfigFromJson({ maxDrawdown: 1.5 })).toThrow('"maxDrawdown"');
    expect(() => riskConfigFromJson({ cooldown: { kind: 'bars', bars: 0 } })).toThrow('"cooldown"');
    expect(() => riskConfigFromJson({ maxPositon: 2 })).toThrow('"maxPositon"');
    expect(() => riskConfigFromJson(null)).toThrow('"risk"');
  });
});
