/**
 * Public receipt verification: the page the receipt's QR code opens. JSON for
 * `Accept: application/json`, otherwise HTML in the reader's language (`?lang=`, else
 * Accept-Language; Chinese by default) with names and dates written out, never codes;
 * masked data only; a wrong or missing signature is `404 receipt_not_found`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { escapeHtml, formatMoney, page } from '../../http/html.js';
import { callerLanguage } from '../../http/language.js';
import { errors } from '../../http/schemas.js';
import type { OrderService } from '../../renewal/order-service.js';
import { DomainError } from '../../shared/errors.js';

export interface ReceiptRoutesOptions {
  orders: OrderService;
}

export const receiptRoutes: FastifyPluginAsyncTypebox<ReceiptRoutesOptions> = async (app, services) => {
  app.get(
    '/r/:number',
    {
      schema: {
        tags: ['receipts'],
        summary: 'Verify a receipt (the QR code on the receipt)',
        params: Type.Object({ number: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({
          sig: Type.Optional(Type.String({ maxLength: 128 })),
          lang: Type.Optional(Type.Enum(['zh-CN', 'en'], { description: 'The HTML page’s language (default: from Accept-Language)' })),
        }),
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
              planName: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
              total: Type.Integer(),
              currency: Type.String(),
              validUntilAfter: Type.Union([Type.String(), Type.Null()]),
              issuedAt: Type.String(),
              timeZone: Type.String({ description: 'The operator’s IANA time zone, which issuedAt’s offset is of' }),
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
        const lang = request.query.lang ?? callerLanguage(request.headers['accept-language']);
        return reply.type('text/html; charset=utf-8').send(verificationPage(verified.receipt, lang, request.url) as never);
      } catch (error) {
        if (wantsJson || !(error instanceof DomainError)) throw error;
        return reply
          .code(404 as 200)
          .type('text/html; charset=utf-8')
          .send(
            page(
              'Receipt not found',
              '<h1>收据验证 Receipt verification</h1><p class="bad">未找到该收据，或验证链接不完整 · No genuine receipt matches this link.</p>',
              { lang: 'zh-CN' },
            ) as never,
          );
      }
    },
  );
};

type Lang = 'zh-CN' | 'en';
type VerifiedReceipt = Awaited<ReturnType<OrderService['verifyReceipt']>>['receipt'];

/** English when the reader's first zh/en preference is English; Chinese otherwise. */
// The page's words in each language (these characters are in the web font subset too).
const WORDS = {
  'zh-CN': {
    title: '收据验证',
    genuine: '✓ 真实有效的收据',
    refunded: '此收据对应的订单已退款。',
    number: '收据编号',
    operator: '运营商',
    msisdn: '号码',
    plan: '套餐',
    total: '金额',
    validUntil: '有效期至',
    issued: '开具时间',
    other: 'English',
  },
  en: {
    title: 'Receipt verification',
    genuine: '✓ This receipt is genuine.',
    refunded: 'This renewal was refunded.',
    number: 'Receipt',
    operator: 'Operator',
    msisdn: 'Number',
    plan: 'Plan',
    total: 'Total',
    validUntil: 'Valid until',
    issued: 'Issued',
    other: '中文',
  },
} as const;

/** A calendar date (the operator's YYYY-MM-DD) as the reader writes it: 2027年1月31日, January 31, 2027. */
function localDate(value: string, lang: Lang): string {
  const [y, m, d] = value.split('-').map(Number);
  return new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
  );
}

/** An instant as the operator's wall clock, in the reader's format, with the zone said. */
function localInstant(iso: string, timeZone: string, lang: Lang): string {
  const format = new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  });
  return `${format.format(new Date(iso))} (${timeZone})`;
}

function verificationPage(r: VerifiedReceipt, lang: Lang, url: string): string {
  const w = WORDS[lang];
  const rows = [
    [w.number, r.number],
    [w.operator, r.operatorName],
    [w.msisdn, r.msisdn],
    [w.plan, r.planName[lang]],
    [w.total, formatMoney(r.total, r.currency)],
    [w.validUntil, r.validUntilAfter ? localDate(r.validUntilAfter, lang) : '—'],
    [w.issued, localInstant(r.issuedAt, r.timeZone, lang)],
  ];
  const status = r.refunded ? `<p class="bad">${escapeHtml(w.refunded)}</p>` : `<p class="ok">${escapeHtml(w.genuine)}</p>`;
  const target = new URL(url, 'http://receipt.invalid');
  target.searchParams.set('lang', lang === 'en' ? 'zh-CN' : 'en');
  const other = `<p><a href="${escapeHtml(target.pathname + target.search)}" lang="${lang === 'en' ? 'zh-CN' : 'en'}">${escapeHtml(w.other)}</a></p>`;
  const list = rows.map(([k, v]) => `<dt>${escapeHtml(k ?? '')}</dt><dd>${escapeHtml(v ?? '')}</dd>`).join('');
  return page(`${w.title} ${r.number}`, `<h1>${escapeHtml(w.title)}</h1>${status}<dl>${list}</dl>${other}`, { lang });
}
