/**
 * Public receipt verification: the page the receipt's QR code opens. JSON for
 * `Accept: application/json`, otherwise HTML; masked data only; a wrong or missing
 * signature is `404 receipt_not_found`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../app.js';
import { escapeHtml, formatMoney, page } from '../http/html.js';
import { errors } from '../http/schemas.js';
import { DomainError } from '../shared/errors.js';

export const receiptRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/r/:number',
    {
      schema: {
        tags: ['receipts'],
        summary: 'Verify a receipt (the QR code on the receipt)',
        params: Type.Object({ number: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({ sig: Type.Optional(Type.String({ maxLength: 128 })) }),
        produces: ['application/json', 'text/html'],
        response: {
          200: Type.Object({
            valid: Type.Literal(true),
            receipt: Type.Object({
              number: Type.String(),
              operator: Type.String(),
              operatorName: Type.String(),
              msisdn: Type.String(),
              plan: Type.String(),
              total: Type.Integer(),
              currency: Type.String(),
              validUntilAfter: Type.Union([Type.String(), Type.Null()]),
              issuedAt: Type.String(),
              refunded: Type.Boolean(),
            }),
          }),
          ...errors(404),
        },
      },
    },
    async (request, reply) => {
      const wantsJson = (request.headers.accept ?? '').includes('application/json');
      try {
        const verified = await services.orders.verifyReceipt(request.params.number, request.query.sig);
        if (wantsJson) return verified;
        const r = verified.receipt;
        const rows = [
          ['收据编号 Receipt', r.number],
          ['运营商 Operator', r.operatorName],
          ['号码 Number', r.msisdn],
          ['套餐 Plan', r.plan],
          ['金额 Total', formatMoney(r.total, r.currency)],
          ['有效期至 Valid until', r.validUntilAfter ?? ''],
          ['开具时间 Issued', r.issuedAt],
        ];
        const status = r.refunded
          ? '<p class="bad">此收据对应的订单已退款 · This renewal was refunded.</p>'
          : '<p class="ok">✓ 真实有效的收据 · This receipt is genuine.</p>';
        return reply
          .type('text/html; charset=utf-8')
          .send(
            page(
              `Receipt ${r.number}`,
              `<h1>收据验证 Receipt verification</h1>${status}<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k ?? '')}</dt><dd>${escapeHtml(v ?? '')}</dd>`).join('')}</dl>`,
            ) as never,
          );
      } catch (error) {
        if (wantsJson || !(error instanceof DomainError)) throw error;
        return reply
          .code(404 as 200)
          .type('text/html; charset=utf-8')
          .send(
            page(
              'Receipt not found',
              '<h1>收据验证 Receipt verification</h1><p class="bad">未找到该收据，或验证链接不完整 · No genuine receipt matches this link.</p>',
            ) as never,
          );
      }
    },
  );
};
