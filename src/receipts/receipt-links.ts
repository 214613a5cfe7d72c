/**
 * Signed receipt links. The verification URL carries an HMAC of the receipt number, so
 * anyone holding the receipt can check it is genuine and nobody can enumerate receipts.
 */
import { hmacHex, safeEqual } from '../platform/secrets.js';
import type { ReceiptLinks } from '../renewal/order-view.js';

export class ReceiptLinker {
  constructor(
    private readonly key: Buffer,
    readonly publicUrl: string,
  ) {}

  signature(number: string): string {
    return hmacHex(this.key, `receipt:${number}`).slice(0, 32);
  }

  verify(number: string, signature: string | undefined): boolean {
    return signature !== undefined && safeEqual(this.signature(number), signature);
  }

  links(orderId: string, number: string): ReceiptLinks {
    return {
      number,
      pdfUrl: `/v1/orders/${orderId}/receipt.pdf`,
      verifyUrl: `/r/${number}?sig=${this.signature(number)}`,
    };
  }

  absoluteVerifyUrl(number: string): string {
    return `${this.publicUrl}/r/${number}?sig=${this.signature(number)}`;
  }
}
