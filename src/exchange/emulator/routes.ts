import { depth, exchangeInfo, klines, ticker24h } from './market-data.js';
import { BinanceError, ERR } from './signing.js';
import { fmt } from './filters.js';
import type { NewOrder, Order, Trade } from './matching.js';
import { limitParam, number, type Params, type Route, type RouteContext } from './params.js';

export type { Params, Route, RouteContext } from './params.js';

const ORDER_TYPES = new Set(['MARKET', 'LIMIT', 'LIMIT_MAKER']);
const SPOT_TYPES = new Set(['STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT']);

/** The Binance routes this emulator speaks, keyed "METHOD /path". */
export function binanceRoutes(ctx: RouteContext): Map<string, Route> {
  const { market, symbolId } = ctx;
  const checkSymbol = (params: Params, required = true) => {
    const symbol = params.get('symbol');
    if (symbol === null) {
      if (required) throw ERR.mandatory('symbol');
      return;
    }
    if (symbol.toUpperCase() !== symbolId) throw ERR.symbol();
  };
  const findOrder = (params: Params, notFound: () => BinanceError) => {
    checkSymbol(params);
    const orderId = number(params, 'orderId');
    const clientId = params.get('origClientOrderId') ?? undefined;
    if (orderId === undefined && clientId === undefined) throw new BinanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    const order = market.find(orderId, clientId);
    if (!order) throw notFound();
    return order;
  };
  const routes = new Map<string, Route>();
  const add = (key: string, signed: boolean, handle: (p: Params) => unknown) => routes.set(key, { signed, handle });

  add('GET /api/v3/ping', false, () => ({}));
  // The market clock, as the venue's time: a feed asks it whether a bar has closed. Signed requests' timestamps
  // are still checked against the wall clock (ccxt signs with its own).
  add('GET /api/v3/time', false, () => ({ serverTime: market.now }));
  add('GET /api/v3/exchangeInfo', false, (p) => {
    checkSymbol(p, false);
    return exchangeInfo(ctx);
  });
  // ccxt's loadMarkets also asks for the futures markets unless told options.fetchMarkets: ['spot']: none here.
  for (const path of ['/fapi/v1/exchangeInfo', '/dapi/v1/exchangeInfo']) {
    add(`GET ${path}`, false, () => ({ timezone: 'UTC', serverTime: Date.now(), rateLimits: [], exchangeFilters: [], assets: [], symbols: [] }));
  }
  add('GET /api/v3/klines', false, (p) => klines(ctx, p));
  add('GET /api/v3/uiKlines', false, (p) => klines(ctx, p));
  add('GET /api/v3/depth', false, (p) => {
    checkSymbol(p);
    return depth(ctx, limitParam(p, 100, 5000));
  });
  add('GET /api/v3/ticker/price', false, (p) => {
    checkSymbol(p, false);
    const one = { symbol: symbolId, price: fmt(market.price) };
    return p.has('symbol') ? one : [one];
  });
  add('GET /api/v3/ticker/bookTicker', false, (p) => {
    checkSymbol(p, false);
    const book = depth(ctx, 1);
    const one = { symbol: symbolId, bidPrice: book.bids[0][0], bidQty: book.bids[0][1], askPrice: book.asks[0][0], askQty: book.asks[0][1] };
    return p.has('symbol') ? one : [one];
  });
  add('GET /api/v3/ticker/24hr', false, (p) => {
    checkSymbol(p, false);
    const one = ticker24h(ctx);
    return p.has('symbol') ? one : [one];
  });
  add('GET /api/v3/avgPrice', false, (p) => {
    checkSymbol(p);
    return { mins: 5, price: fmt(market.price), closeTime: market.now };
  });

  add('GET /api/v3/account', true, (p) => {
    const omitZero = p.get('omitZeroBalances') === 'true';
    const balances = [...market.balances.entries()]
      .filter(([, b]) => !omitZero || b.free > 0 || b.locked > 0)
      .map(([asset, b]) => ({ asset, free: fmt(b.free), locked: fmt(b.locked) }));
    const rate = fmt(market.feeRate);
    return {
      makerCommission: Math.round(market.feeRate * 10_000), takerCommission: Math.round(market.feeRate * 10_000), buyerCommission: 0, sellerCommission: 0,
      commissionRates: { maker: rate, taker: rate, buyer: fmt(0), seller: fmt(0) },
      canTrade: true, canWithdraw: false, canDeposit: false, brokered: false, requireSelfTradePrevention: false, preventSor: false,
      updateTime: market.now, accountType: 'SPOT', balances, permissions: ['SPOT'], uid: 1,
    };
  });
  add('POST /api/v3/order', true, (p) => placeOrder(ctx, p));
  add('POST /api/v3/order/test', true, (p) => {
    parseNewOrder(ctx, p);
    return {};
  });
  add('GET /api/v3/order', true, (p) => orderJson(ctx, findOrder(p, () => new BinanceError(400, -2013, 'Order does not exist.'))));
  add('DELETE /api/v3/order', true, (p) => {
    const order = findOrder(p, () => new BinanceError(400, -2011, 'Unknown order sent.'));
    if (!market.isOpen(order)) throw new BinanceError(400, -2011, 'Unknown order sent.');
    market.finish(order, 'CANCELED');
    return cancelJson(ctx, order);
  });
  add('GET /api/v3/openOrders', true, (p) => {
    checkSymbol(p, false);
    return market.orders.filter((o) => market.isOpen(o)).map((o) => orderJson(ctx, o));
  });
  add('DELETE /api/v3/openOrders', true, (p) => {
    checkSymbol(p);
    const open = market.orders.filter((o) => market.isOpen(o));
    for (const order of open) market.finish(order, 'CANCELED');
    return open.map((o) => cancelJson(ctx, o));
  });
  add('GET /api/v3/allOrders', true, (p) => {
    checkSymbol(p);
    const limit = limitParam(p, 500, 1000);
    const from = number(p, 'orderId');
    const start = number(p, 'startTime');
    const end = number(p, 'endTime');
    const orders = market.orders.filter((o) => (from === undefined || o.orderId >= from) && (start === undefined || o.time >= start) && (end === undefined || o.time <= end));
    return (from !== undefined || start !== undefined ? orders.slice(0, limit) : orders.slice(-limit)).map((o) => orderJson(ctx, o));
  });
  add('GET /api/v3/myTrades', true, (p) => {
    checkSymbol(p);
    const limit = limitParam(p, 500, 1000);
    const orderId = number(p, 'orderId');
    const fromId = number(p, 'fromId');
    const start = number(p, 'startTime');
    const end = number(p, 'endTime');
    const trades = market.trades.filter(
      (t) => (orderId === undefined || t.orderId === orderId) && (fromId === undefined || t.id >= fromId) && (start === undefined || t.time >= start) && (end === undefined || t.time <= end),
    );
    return (fromId !== undefined || start !== undefined ? trades.slice(0, limit) : trades.slice(-limit)).map((t) => tradeJson(ctx, t));
  });
  // ccxt's loadMarkets asks for the account's currencies when it has a key (options.fetchCurrencies).
  add('GET /sapi/v1/capital/config/getall', true, () =>
    [...market.balances.entries()].map(([coin, b]) => ({
      coin, name: coin, free: fmt(b.free), locked: fmt(b.locked), freeze: fmt(0), withdrawing: fmt(0), ipoing: fmt(0), ipoable: fmt(0), storage: fmt(0),
      isLegalMoney: false, trading: true, depositAllEnable: false, withdrawAllEnable: false, networkList: [],
    })),
  );
  // ... and, with options.fetchMargins (ccxt's default), the margin pairs: there is no margin trading here.
  add('GET /sapi/v1/margin/allPairs', true, () => []);
  add('GET /sapi/v1/margin/isolated/allPairs', true, () => []);
  return routes;
}

function parseNewOrder(ctx: RouteContext, p: Params): NewOrder {
  const symbol = p.get('symbol');
  if (symbol === null) throw ERR.mandatory('symbol');
  if (symbol.toUpperCase() !== ctx.symbolId) throw ERR.symbol();
  const side = p.get('side');
  if (side === null) throw ERR.mandatory('side');
  if (side !== 'BUY' && side !== 'SELL') throw new BinanceError(400, -1117, 'Invalid side.');
  const type = p.get('type');
  if (type === null) throw ERR.mandatory('type');
  if (SPOT_TYPES.has(type)) throw new BinanceError(400, -1014, 'Unsupported order combination.');
  if (!ORDER_TYPES.has(type)) throw new BinanceError(400, -1116, 'Invalid orderType.');
  const tif = p.get('timeInForce');
  if (type === 'LIMIT' && tif === null) throw ERR.mandatory('timeInForce');
  if (type !== 'LIMIT' && tif !== null) throw new BinanceError(400, -1106, "Parameter 'timeInForce' sent when not required.");
  if (tif !== null && tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') throw new BinanceError(400, -1115, 'Invalid timeInForce.');
  const quantity = number(p, 'quantity');
  const quoteOrderQty = number(p, 'quoteOrderQty');
  if (quantity !== undefined && quoteOrderQty !== undefined) throw new BinanceError(400, -1106, "Parameter 'quoteOrderQty' sent when not required.");
  if (type !== 'MARKET' && quoteOrderQty !== undefined) throw new BinanceError(400, -1106, "Parameter 'quoteOrderQty' sent when not required.");
  const price = number(p, 'price');
  if (type === 'MARKET' && price !== undefined) throw new BinanceError(400, -1106, "Parameter 'price' sent when not required.");
  if (type !== 'MARKET' && price === undefined) throw ERR.mandatory('price');
  if ((quantity !== undefined && quantity <= 0) || (quoteOrderQty !== undefined && quoteOrderQty <= 0)) throw ERR.illegal(quantity !== undefined ? 'quantity' : 'quoteOrderQty');
  const clientOrderId = p.get('newClientOrderId') ?? `rrr-${Math.random().toString(36).slice(2, 14)}`;
  return { side, type: type as NewOrder['type'], timeInForce: (tif ?? undefined) as NewOrder['timeInForce'], quantity, quoteOrderQty, price, clientOrderId };
}

function placeOrder(ctx: RouteContext, p: Params) {
  const request = parseNewOrder(ctx, p);
  const { order, fills } = ctx.market.place(request);
  const ack = { symbol: ctx.symbolId, orderId: order.orderId, orderListId: -1, clientOrderId: order.clientOrderId, transactTime: order.time };
  const respType = p.get('newOrderRespType') ?? 'FULL';
  if (respType === 'ACK') return ack;
  const result = {
    ...ack, price: fmt(order.price), origQty: fmt(order.origQty), executedQty: fmt(order.executedQty), origQuoteOrderQty: fmt(order.origQuoteOrderQty),
    cummulativeQuoteQty: fmt(order.cumQuote), status: order.status, timeInForce: order.timeInForce, type: order.type, side: order.side,
    workingTime: order.time, selfTradePreventionMode: 'NONE',
  };
  if (respType === 'RESULT') return result;
  return {
    ...result,
    fills: fills.map((t) => ({ price: fmt(t.price), qty: fmt(t.qty), commission: fmt(t.commission), commissionAsset: ctx.market.quote, tradeId: t.id })),
  };
}

function orderJson(ctx: RouteContext, o: Order) {
  return {
    symbol: ctx.symbolId, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, price: fmt(o.price), origQty: fmt(o.origQty),
    executedQty: fmt(o.executedQty), cummulativeQuoteQty: fmt(o.cumQuote), status: o.status, timeInForce: o.timeInForce, type: o.type, side: o.side,
    stopPrice: fmt(0), icebergQty: fmt(0), time: o.time, updateTime: o.updateTime, isWorking: true, workingTime: o.time,
    origQuoteOrderQty: fmt(o.origQuoteOrderQty), selfTradePreventionMode: 'NONE',
  };
}

function cancelJson(ctx: RouteContext, o: Order) {
  return {
    symbol: ctx.symbolId, origClientOrderId: o.clientOrderId, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId,
    transactTime: o.updateTime, price: fmt(o.price), origQty: fmt(o.origQty), executedQty: fmt(o.executedQty), cummulativeQuoteQty: fmt(o.cumQuote),
    status: o.status, timeInForce: o.timeInForce, type: o.type, side: o.side, selfTradePreventionMode: 'NONE',
  };
}

function tradeJson(ctx: RouteContext, t: Trade) {
  return {
    symbol: ctx.symbolId, id: t.id, orderId: t.orderId, orderListId: -1, price: fmt(t.price), qty: fmt(t.qty), quoteQty: fmt(t.quoteQty),
    commission: fmt(t.commission), commissionAsset: ctx.market.quote, time: t.time, isBuyer: t.side === 'BUY', isMaker: t.isMaker, isBestMatch: true,
  };
}

/** Orders and trades as GET /rrr/state shows them (Binance's shapes). */
export function stateJson(ctx: RouteContext) {
  const { market } = ctx;
  return {
    openOrders: market.orders.filter((o) => market.isOpen(o)).map((o) => orderJson(ctx, o)),
    trades: market.trades.map((t) => tradeJson(ctx, t)),
  };
}
