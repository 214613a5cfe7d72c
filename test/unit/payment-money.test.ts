/** Yuan as providers write them ↔ fen as simkeep keeps them: exact, never through a float. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToYuan, yuanToFen } from '../../src/payments/money.js';
import { unionpayOrderId } from '../../src/payments/unionpay.js';
import { newPaymentId } from '../../src/shared/ids.js';

describe('yuan and fen', () => {
  it('writes two decimals', () => {
    expect([0, 1, 5, 10, 99, 100, 800, 1999, 123456789].map(fenToYuan)).toEqual([
      '0.00',
      '0.01',
      '0.05',
      '0.10',
      '0.99',
      '1.00',
      '8.00',
      '19.99',
      '1234567.89',
    ]);
  });

  it('reads amounts a float would get wrong', () => {
    // 0.07 * 100 = 7.000000000000001, 19.99 * 100 = 1998.9999999999998, 1.1 * 100 = 110.00000000000001
    expect([yuanToFen('0.07'), yuanToFen('19.99'), yuanToFen('1.1'), yuanToFen('8'), yuanToFen('4.35')]).toEqual([7, 1999, 110, 800, 435]);
  });

  it('refuses what is not an amount in yuan', () => {
    for (const text of ['', '-1.00', '1.001', '1e3', ' 1.00', '1,00', '.50', '1.', 'NaN']) expect(yuanToFen(text)).toBeUndefined();
  });

  it('round-trips every amount', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (fen) => yuanToFen(fenToYuan(fen)) === fen));
  });
});

describe('payment ids', () => {
  it('carry 128 random bits in letters and digits, fitting every provider’s order number', () => {
    const ids = Array.from({ length: 1000 }, newPaymentId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^pay_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(id.length).toBeLessThanOrEqual(32); // WeChat Pay's out_trade_no
      expect(unionpayOrderId(id)).toMatch(/^[0-9A-Za-z]{8,40}$/);
    }
  });
});
