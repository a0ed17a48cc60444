import { Flags } from '@oclif/core';

/** Where a run on a venue's bars connects and how much history it loads: shared by rrr paper (--feed exchange) and rrr live. */
export const venueFlags = {
  exchange: Flags.string({ description: 'ccxt exchange id (binance)', helpGroup: 'VENUE' }),
  'exchange-url': Flags.string({ description: 'point the exchange\'s API at this URL: rrr emulator on 127.0.0.1, a testnet or a proxy', helpGroup: 'VENUE' }),
  history: Flags.integer({ description: 'closed bars loaded before the run starts, to warm the strategy\'s indicators', default: 500, min: 1, helpGroup: 'VENUE' }),
  'max-bars': Flags.integer({ description: 'stop after this many bars have closed during the run (a rehearsal) [default: until stopped]', min: 1, helpGroup: 'VENUE' }),
};
