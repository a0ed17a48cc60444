import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { backtestFlags } from './_backtest-flags.js';
import { riskConfigFromFlags, riskFlags } from './_risk-flags.js';
import { venueFlags } from './_venue-flags.js';

export default class Live extends RrrCommand {
  static override summary = 'Trade a strategy on an exchange through ccxt: real orders, the same strategy code, the risk guard in front.';
  static override description =
    'Real money only when --live is given, RRR_LIVE=1 is set and you confirm on a terminal (or pass --yes-i-understand). ' +
    'API keys come from <EXCHANGE>_API_KEY / <EXCHANGE>_API_SECRET, RRR_API_KEY / RRR_API_SECRET or --key-file (JSON, mode 0600); they are never printed, journaled or stored. ' +
    'Rehearse first against rrr emulator with --exchange-url. Sizing, stop levels and trade statistics are the engine\'s, kept from the venue\'s fills; stops the venue does not hold are emulated on each closed bar (a crossed level exits at the next open). ' +
    'rrr status and rrr stop work as for paper runs; a live run is not resumed after a crash (start a new one: the venue keeps the orders and positions).';
  static override examples = [
    'RRR_LIVE=1 <%= config.bin %> live --live --exchange binance --symbol BTC/USDT --timeframe 1h --strategy sma-cross --max-drawdown 10% --max-order-notional 1000',
    'RRR_LIVE=1 <%= config.bin %> live --live --yes-i-understand --exchange binance --exchange-url http://127.0.0.1:8765 --symbol BTC/USDT --timeframe 1h --strategy sma-cross --max-bars 20',
  ];
  static override flags = {
    ...backtestFlags,
    ...venueFlags,
    ...riskFlags,
    live: Flags.boolean({ description: 'trade real money (also needs RRR_LIVE=1 and a confirmation)' }),
    'yes-i-understand': Flags.boolean({ description: 'confirm real-money trading without the question (scripts)' }),
    'key-file': Flags.string({ description: 'JSON file {"apiKey", "secret"} with mode 0600 [default: the environment]' }),
  };

  async run() {
    const { flags } = await this.parse(Live);
    const { UserError } = await import('../errors.js');
    const { passLiveGate } = await import('../live/live-gate.js');
    const { requireKeys } = await import('../live/keys.js');
    const risk = riskConfigFromFlags(flags);
    if (!flags.live) throw new UserError('rrr live sends real orders and needs --live (with RRR_LIVE=1): for a rehearsal without money use rrr paper --feed exchange.', { code: 'RRR_LIVE_GATE' });
    if (flags.exchange === undefined) throw new UserError('rrr live needs --exchange (a ccxt exchange id such as binance).', { code: 'RRR_MISSING_FLAG' });
    const keys = requireKeys({ exchange: flags.exchange, keyFile: flags['key-file'] });
    await passLiveGate({ live: flags.live, yesIUnderstand: flags['yes-i-understand'], terminal: Boolean(process.stdin.isTTY), what: `${flags.symbol?.[0] ?? '?'} on ${flags.exchange} with ${flags.strategy}` }, (q) => this.confirm(q));
    const { runVenueCommand } = await import('./_venue-run.js');
    return runVenueCommand({ log: (m) => this.log(m), progress: (m) => this.progress(m) }, { flags, db: this.dbPath(flags.db), risk, mode: 'live', keys });
  }
}
