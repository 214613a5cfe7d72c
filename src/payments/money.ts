/**
 * Amounts as the providers write them. simkeep keeps integer minor units (fen); Alipay
 * writes yuan with two decimals ("8.00"). The conversion is done on the digits, never
 * through a float (0.07 * 100 is 7.000000000000001).
 */

/** 800 → "8.00"; 5 → "0.05". */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not an amount in fen: ${fen}`);
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** "8.00" → 800, "8" → 800, "8.5" → 850; anything else (signs, 3 decimals, exponents) → undefined. */
export function yuanToFen(yuan: string): number | undefined {
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!match) return undefined;
  const [, whole = '', fraction = ''] = match;
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
