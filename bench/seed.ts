/** Benchmark data through the admin API: an operator, plans, and many cards. */
import { luhnCheckDigit } from '../src/shared/iccid.js';

export interface BenchCard {
  msisdn: string;
  iccid: string;
}

export async function seedBenchData(base: string, token: string, count: number): Promise<BenchCard[]> {
  const post = async (url: string, body: unknown) => {
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  };
  await post('/v1/admin/operators', { code: 'bench', name: 'Bench Telecom' });
  await post('/v1/admin/operators/bench/plans', { code: 'm1', name: '1 month', months: 1, price: 800 });
  await post('/v1/admin/operators/bench/plans', { code: 'y1', name: '12 months', months: 12, price: 8800 });
  await post('/v1/admin/operators/bench/promotions', { kind: 'percent', value: 10, plans: ['y1'] });
  const cards: BenchCard[] = [];
  for (let i = 0; i < count; i++) {
    const payload = `898600${String(i).padStart(13, '0')}`;
    cards.push({ msisdn: `+86137${String(i).padStart(8, '0')}`, iccid: `${payload}${luhnCheckDigit(payload)}` });
  }
  for (let i = 0; i < cards.length; i += 16) {
    await Promise.all(cards.slice(i, i + 16).map((card) => post('/v1/admin/operators/bench/cards', { ...card, validUntil: '2030-01-31' })));
  }
  return cards;
}
