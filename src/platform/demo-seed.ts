/**
 * Demo data: one operator with its plans, an automatic promotion, coupons, and a card in
 * every status, dated relative to today so the statuses hold whenever the demo starts.
 * Seeding twice changes nothing.
 */

import { addDays, todayIn } from '../cards/calendar.js';
import { liveCardsOf, updateCard } from '../cards/card-repository.js';
import { registerCard } from '../cards/card-service.js';
import type { Services } from '../services.js';
import { luhnCheckDigit } from '../shared/iccid.js';

const SYSTEM = { tokenId: 'demo-seed', operatorId: null };

export interface DemoCard {
  label: string;
  msisdn: string;
  iccid: string;
  validUntil: string;
  blocked?: string;
}

/** A valid ICCID for demo card n (19 digits + Luhn check digit). */
export function demoIccid(n: number): string {
  const payload = `8986001234567890${String(n).padStart(3, '0')}`;
  return `${payload}${luhnCheckDigit(payload)}`;
}

export function demoCards(today: string): DemoCard[] {
  return [
    { label: 'active', msisdn: '+8613800138000', iccid: demoIccid(1), validUntil: addDays(today, 68) },
    { label: 'expiring soon', msisdn: '+8613800138001', iccid: demoIccid(2), validUntil: addDays(today, 5) },
    { label: 'grace', msisdn: '+8613800138002', iccid: demoIccid(3), validUntil: addDays(today, -10) },
    { label: 'suspended', msisdn: '+8613800138003', iccid: demoIccid(4), validUntil: addDays(today, -60) },
    { label: 'recycled', msisdn: '+8613800138004', iccid: demoIccid(5), validUntil: addDays(today, -200) },
    { label: 'blocked', msisdn: '+8613800138005', iccid: demoIccid(6), validUntil: addDays(today, 40), blocked: 'reported lost' },
    { label: 'active (Hong Kong number)', msisdn: '+85291234567', iccid: demoIccid(7), validUntil: addDays(today, 200) },
  ];
}

export async function seedDemo(services: Services): Promise<{ created: boolean; cards: DemoCard[] }> {
  const { catalogService, db, clock } = services;
  const existing = await services.catalog.operatorByCode('demo');
  const today = todayIn(existing?.timeZone ?? 'Asia/Shanghai', clock.now());
  if (existing) {
    const rows = await liveCardsOf(db.kysely, existing.id);
    const labels = new Map(demoCards(today).map((c) => [c.msisdn, c.label]));
    return { created: false, cards: rows.map((r) => ({ label: labels.get(r.msisdn) ?? '', msisdn: r.msisdn, iccid: r.iccid, validUntil: r.valid_until })) };
  }
  const operator = await catalogService.createOperator(SYSTEM, {
    code: 'demo',
    name: 'Demo Telecom',
    displayName: '示例通信 Demo Telecom',
    brandColor: '#0b5cad',
  });
  const plans = [
    { code: 'm1', name: { 'zh-CN': '1个月', en: '1 month' }, months: 1, price: 800 },
    { code: 'm3', name: { 'zh-CN': '3个月', en: '3 months' }, months: 3, price: 2200 },
    { code: 'y1', name: { 'zh-CN': '12个月', en: '12 months' }, months: 12, price: 8800 },
    { code: 'd7', name: { 'zh-CN': '7天', en: '7 days' }, days: 7, price: 300, channels: ['counter' as const] },
  ];
  for (const plan of plans) await catalogService.createPlan(SYSTEM, 'demo', plan);
  await catalogService.createPromotion(SYSTEM, 'demo', { kind: 'percent', value: 10, plans: ['y1'] });
  await catalogService.createPromotion(SYSTEM, 'demo', { code: 'SAVE5', kind: 'amount', value: 500, perCardLimit: 3 });
  await catalogService.createPromotion(SYSTEM, 'demo', { code: 'BONUS7', kind: 'bonus', value: 7, unit: 'days', plans: ['m3', 'y1'] });
  await catalogService.createPromotion(SYSTEM, 'demo', { code: 'SUMMER', kind: 'percent', value: 20, endsOn: addDays(today, -30) });
  const cards = demoCards(today);
  await db.kysely.transaction().execute(async (trx) => {
    for (const card of cards) {
      const { row } = await registerCard(trx, operator, card, clock.now());
      if (card.blocked) await updateCard(trx, row.id, { blocked: 1, block_reason: card.blocked });
    }
  });
  return { created: true, cards };
}
