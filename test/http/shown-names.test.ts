/**
 * What people read carries names, not codes: the plans' automatic-promotion price and the
 * promotion's name in a lookup, the promotions' names in a quote, the payment method's name
 * on the receipt PDF, and the receipt verification page in the reader's language with the
 * plan's name and written-out dates.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newCard, newOperator, newPlan, newPromotion, renewOnline, SANDBOX_ON, startHarness } from '../support/harness.js';
import { pdfText } from '../support/pdf.js';

/** Raw codes and machine formats nobody should read on a page. */
const RAW = [/\by1\b/, /\bm1\b/, /\bsandbox\b/, /\bfulfilled\b/, /\d{4}-\d\d-\d\dT\d\d:/];

describe.each(DIALECTS)('names shown instead of codes, on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(dialect, SANDBOX_ON);
    await newOperator(h);
    await newPlan(h, { code: 'm1', months: 1, price: 800 });
    await newPlan(h, { code: 'y1', name: { 'zh-CN': '12个月', en: '12 months' }, months: 12, price: 8800 });
  });
  afterEach(() => h.close());

  it('a lookup offers each plan at the price the card would pay, naming the automatic promotion', async () => {
    const card = await newCard(h, '2027-01-31');
    const auto = await newPromotion(h, { kind: 'percent', value: 10, plans: ['y1'] });
    await newPromotion(h, { code: 'SAVE5', kind: 'amount', value: 500 });
    const res = await h.request({ method: 'POST', url: '/v1/cards/lookup', payload: { msisdn: card.msisdn, iccid: card.iccid } });
    expect(res.status).toBe(200);
    const offers = Object.fromEntries(res.body.plans.map((p: { code: string; price: number; offer: unknown }) => [p.code, [p.price, p.offer]]));
    expect(offers).toEqual({
      m1: [800, { price: 800, promotion: null }],
      y1: [8800, { price: 7920, promotion: { id: auto.id, code: null, name: { 'zh-CN': '自动优惠 9折', en: 'Automatic 10% off' } } }],
    });
  });

  it('a quote names the promotion of each discount and of the bonus', async () => {
    const card = await newCard(h, '2027-01-31');
    await newPromotion(h, { kind: 'percent', value: 10, plans: ['y1'] });
    await newPromotion(h, { code: 'SAVE5', kind: 'amount', value: 500 });
    await newPromotion(h, { code: 'BONUS7', kind: 'bonus', value: 7, unit: 'days' });
    const res = await h.request({ method: 'POST', url: '/v1/quotes', payload: { msisdn: card.msisdn, iccid: card.iccid, plan: 'y1', coupon: 'save5' } });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(7420);
    expect(res.body.discounts.map((d: { name: unknown }) => d.name)).toEqual([
      { 'zh-CN': '自动优惠 9折', en: 'Automatic 10% off' },
      { 'zh-CN': '优惠码 SAVE5 立减¥5.00', en: 'Coupon SAVE5: ¥5.00 off' },
    ]);
    const bonus = await h.request({ method: 'POST', url: '/v1/quotes', payload: { msisdn: card.msisdn, iccid: card.iccid, plan: 'm1', coupon: 'BONUS7' } });
    expect(bonus.body.bonus).toMatchObject({ days: 7, name: { 'zh-CN': '优惠码 BONUS7 赠送7天', en: 'Coupon BONUS7: 7 days free' } });
  });

  it('the receipt PDF names the payment method', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await renewOnline(h, card, 'm1');
    const pdf = await h.request({ method: 'GET', url: order.receipt.pdfUrl });
    const text = await pdfText(pdf.bytes);
    expect(text).toContain('沙箱支付 / Sandbox');
    expect(text).not.toMatch(/\bsandbox\b/);
  });

  it('the verification page is in the reader’s language, with the plan’s name and dates written out', async () => {
    const card = await newCard(h, '2027-01-31');
    const order = await renewOnline(h, card, 'y1');
    const pages = {
      zh: await h.request({ method: 'GET', url: order.receipt.verifyUrl }),
      en: await h.request({ method: 'GET', url: order.receipt.verifyUrl, headers: { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' } }),
      chosen: await h.request({ method: 'GET', url: `${order.receipt.verifyUrl}&lang=en`, headers: { 'accept-language': 'zh-CN' } }),
    };
    const text = (raw: string) =>
      raw
        .replace(/<style>[\s\S]*?<\/style>/, '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
    const zh = text(pages.zh.raw);
    expect(pages.zh.raw).toContain('<html lang="zh-CN">');
    for (const shown of ['真实有效的收据', '12个月', '2028年1月31日', '2026年11月24日 12:00 (Asia/Shanghai)']) expect(zh).toContain(shown);
    for (const page of [pages.en, pages.chosen]) {
      const en = text(page.raw);
      expect(page.raw).toContain('<html lang="en">');
      for (const shown of ['This receipt is genuine', '12 months', 'January 31, 2028', 'November 24, 2026']) expect(en).toContain(shown);
    }
    for (const page of Object.values(pages)) for (const raw of RAW) expect(text(page.raw)).not.toMatch(raw);
    const json = await h.request({ method: 'GET', url: order.receipt.verifyUrl, headers: { accept: 'application/json' } });
    expect(json.body.receipt).toMatchObject({ plan: 'y1', planName: { 'zh-CN': '12个月', en: '12 months' }, timeZone: 'Asia/Shanghai' });
  });
});
