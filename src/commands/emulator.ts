import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { UserError } from '../errors.js';

/** A number flag: finite, and (unless zero is allowed) positive; refused with a sentence naming the flag. */
function numberFlag(text: string | undefined, flag: string, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim().toLowerCase() === 'infinity' ? Infinity : Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new UserError(`--${flag} "${text}" is not a number: give ${what}.`, { code: 'RRR_BAD_VALUE' });
  return value;
}

function parseBalances(items: string[] | undefined): Record<string, number> | undefined {
  if (!items || items.length === 0) return undefined;
  const balances: Record<string, number> = {};
  for (const item of items) {
    const match = /^([A-Za-z0-9]+)=(.+)$/.exec(item.trim());
    const amount = match ? Number(match[2]) : NaN;
    if (!match || !Number.isFinite(amount) || amount < 0) throw new UserError(`--balance "${item}" is not ASSET=AMOUNT with an amount of 0 or more, e.g. --balance USDT=10000.`, { code: 'RRR_BAD_VALUE' });
    balances[match[1].toUpperCase()] = amount;
  }
  return balances;
}

export default class Emulator extends RrrCommand {
  static override summary = 'Serve stored bars or a file as a local Binance spot exchange (REST, as ccxt speaks it) to rehearse paper and live runs against.';
  static override description =
    'Binds 127.0.0.1 only. The bars before the clock are closed (klines); the next one is forming, shown as its open. Market orders fill at the forming bar\'s open; ' +
    'resting limit orders fill as bars close, at most --volume-share of a bar\'s volume per bar (so partial fills happen); commission --fee-rate in the quote currency. ' +
    'Signed endpoints check the HMAC-SHA256 signature, timestamp and recvWindow. Admin: POST /rrr/advance?bars=N, POST /rrr/fault (JSON), GET /rrr/state. Stops on Ctrl-C or SIGTERM.';
  static override examples = [
    '<%= config.bin %> emulator --exchange binance --data prices.csv --symbol BTC/USDT --timeframe 1h --port 8765',
    '<%= config.bin %> emulator --symbol BTC-USD --timeframe 1m --closed-bars 1000 --speed 2 --balance USDT=50000',
    '<%= config.bin %> emulator --data datasets/demo-a_1d.csv --symbol BTC/USDT --port 0 --json',
  ];
  static override flags = {
    exchange: Flags.string({ description: 'the venue to emulate (only binance)', default: 'binance' }),
    data: Flags.string({ description: 'bar file (CSV, Parquet, Arrow) to serve instead of the store' }),
    symbol: Flags.string({ description: 'the market, BASE/QUOTE (e.g. BTC/USDT); with no --data, the stored symbol to serve', required: true }),
    timeframe: Flags.string({ description: 'bar spacing, a Binance interval (1m, 1h, 1d...); inferred from a file when omitted' }),
    port: Flags.string({ description: 'port on 127.0.0.1 (0: a free one)', default: '8765' }),
    speed: Flags.string({ description: 'bars closed per second (0: only POST /rrr/advance closes bars)', default: '0' }),
    'closed-bars': Flags.string({ description: 'bars already closed at start [default: all but the last]' }),
    balance: Flags.string({ description: 'starting balance ASSET=AMOUNT (repeatable) [default: 10000 of the quote currency]', multiple: true }),
    'fee-rate': Flags.string({ description: 'commission per fill, a fraction of its quote amount, in the quote currency', default: '0.001' }),
    'volume-share': Flags.string({ description: 'largest share of a bar\'s volume that fills in that bar (Infinity: no cap)', default: '0.1' }),
    'tick-size': Flags.string({ description: 'PRICE_FILTER tickSize [default: from the data\'s decimals]' }),
    'step-size': Flags.string({ description: 'LOT_SIZE stepSize [default: from the median price]' }),
    'min-qty': Flags.string({ description: 'LOT_SIZE minQty [default: the step size]' }),
    'min-notional': Flags.string({ description: 'NOTIONAL minNotional', default: '5' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Emulator);
    if (flags.exchange.toLowerCase() !== 'binance') {
      throw new UserError(`--exchange ${flags.exchange} is not emulated: only binance is (its spot REST API, as ccxt's binance class calls it).`, { code: 'RRR_BAD_EXCHANGE' });
    }
    const port = numberFlag(flags.port, 'port', 'a port from 0 to 65535')!;
    const closedBars = numberFlag(flags['closed-bars'], 'closed-bars', 'a whole number of bars');
    const options = {
      port,
      speed: numberFlag(flags.speed, 'speed', 'bars per second, 0 or more'),
      closedBars,
      balances: parseBalances(flags.balance),
      feeRate: numberFlag(flags['fee-rate'], 'fee-rate', 'a fraction such as 0.001'),
      volumeShare: numberFlag(flags['volume-share'], 'volume-share', 'a fraction such as 0.1, or Infinity'),
      filters: {
        tickSize: numberFlag(flags['tick-size'], 'tick-size', 'a price increment such as 0.01'),
        stepSize: numberFlag(flags['step-size'], 'step-size', 'a quantity increment such as 0.0001'),
        minQty: numberFlag(flags['min-qty'], 'min-qty', 'a quantity'),
        minNotional: numberFlag(flags['min-notional'], 'min-notional', 'an amount of the quote currency'),
      },
    };
    const { loadSeries, assertPrices } = await import('../research/backtest-job.js');
    const { startEmulator, parseMarketSymbol } = await import('../exchange/emulator/index.js');
    const market = parseMarketSymbol(flags.symbol);
    const { series, timeframe } = await loadSeries(
      { files: flags.data === undefined ? [] : [flags.data], symbols: [flags.symbol], timeframe: flags.timeframe, db: this.dbPath(flags.db), strategy: 'the emulator' },
      1,
      'union',
    );
    assertPrices(series, true, 'the emulator');
    const bars = series[0];
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    try {
      emulator = await startEmulator({ bars, symbol: market.unified, timeframe, ...options, filters: Object.fromEntries(Object.entries(options.filters).filter(([, v]) => v !== undefined)) });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') throw new UserError(`Port ${port} on 127.0.0.1 is in use: pass --port with another, or --port 0 for a free one.`, { exitCode: 1, code: 'RRR_PORT_IN_USE' });
      if (code === 'EACCES') throw new UserError(`Port ${port} needs privileges rrr does not have: pass --port 1024 or above, or 0 for a free one.`, { exitCode: 1, code: 'RRR_PORT_DENIED' });
      throw error;
    }
    const state = emulator.state();
    const info = {
      url: emulator.url, port: emulator.port, exchange: 'binance', apiKey: emulator.apiKey, secret: emulator.secret,
      symbol: market.unified, binanceSymbol: market.id, timeframe, closedBars: state.closedBars, totalBars: state.totalBars,
      speed: options.speed ?? 0, balances: Object.fromEntries(Object.entries(state.balances).map(([asset, b]) => [asset, b.free])),
    };
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(info)}\n`);
    else {
      const clock = info.speed > 0 ? `${info.speed} bar${info.speed === 1 ? '' : 's'} per second` : 'only by POST /rrr/advance?bars=N';
      this.log(`Binance spot emulator for ${market.unified} ${timeframe} at ${emulator.url}: ${info.closedBars} of ${info.totalBars} bars closed; the clock advances ${clock}.`);
      this.log(`API key:    ${emulator.apiKey}`);
      this.log(`API secret: ${emulator.secret}`);
      this.log(`Test credentials, accepted by this emulator only. Point rrr at it with --exchange-url ${emulator.url}; stop it with Ctrl-C.`);
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await emulator.close();
  }
}
