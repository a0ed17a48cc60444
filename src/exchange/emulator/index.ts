/**
 * A local Binance spot exchange to rehearse against (`rrr emulator`, issue 10 section 3).
 *
 * Clock: the bars before the clock are closed; the next one is forming. `closedBars` (default: all but the last)
 * are closed at start; advance(n), POST /rrr/advance?bars=N or `speed` (bars per second) close more.
 * Klines (GET /api/v3/klines) serve the closed bars and, last, the forming bar as Binance does; only its open is
 * known, so it shows open = high = low = close and volume 0 until it closes. Order and trade times are the
 * market clock (the forming bar's open time; a limit fill: the open time of the bar it filled in); the server
 * time (/api/v3/time) and the recvWindow check use the real clock, since ccxt signs with it.
 *
 * Fills (matching.ts): market orders fill at once at the forming bar's open; a limit order that is marketable
 * when it arrives fills at that open too (taker), the rest rests; resting limit orders fill when a bar closes:
 * at its open when it opens through the price, else at the limit price when its range reaches it. A bar fills
 * at most volumeShare (default 10%) of its volume over all orders, in time priority: the rest of a limit order
 * keeps resting (PARTIALLY_FILLED), the rest of a market or IOC order expires (EXPIRED). Commission: feeRate
 * (default 0.1%) of each fill's quote amount, charged in the quote currency, maker and taker alike. Stop and
 * take-profit order types are refused (-1014): a broker emulates them. The book (/api/v3/depth) is indicative:
 * one-tick levels around the current price; orders do not walk it.
 *
 * Filters (filters.ts): PRICE_FILTER tickSize from the data's decimals, LOT_SIZE stepSize from the median
 * price's magnitude, NOTIONAL minNotional 5; violations get Binance's -1013 "Filter failure: X".
 * Signed endpoints check X-MBX-APIKEY, the HMAC-SHA256 signature, timestamp and recvWindow, with Binance's codes.
 */
export { startEmulator, parseMarketSymbol, BINANCE_INTERVALS } from './server.js';
export { deriveFilters } from './filters.js';
export { DEFAULT_API_KEY, DEFAULT_SECRET } from './signing.js';
export type { Emulator, EmulatorOptions, EmulatorState, FaultSpec, SymbolFilters } from './types.js';
