/** Costs: slippage moves the price against the trader, fees are charged on every fill. */

/** Fraction of price corresponding to `slippageBps`. */
export function slippageFraction(slippageBps: number): number {
  return slippageBps / 1e4;
}

/** The fill price of an order at `price`: side +1 (buy) pays more, side -1 (sell) receives less. */
export function slippedPrice(price: number, side: number, slip: number): number {
  return side > 0 ? price * (1 + slip) : price * (1 - slip);
}

/** Fee of one order: feeRate x notional + fixedFee, notional = units x fill price. */
export function orderFee(notional: number, feeRate: number, fixedFee: number): number {
  return notional * feeRate + fixedFee;
}
