/**
 * The demo's service hall: two services, three counters (1 and 2 open, so the kiosk shows
 * a wait at once), a clerk and a supervisor with fixed demo passwords, printed at start
 * like the demo cards. Set up through the hall admin service, as an operator would; seeding
 * twice changes nothing.
 */

import type { HallActor } from '../hall/hall-access.js';
import { setCounterStatus } from '../hall/hall-repository.js';
import { WEEKDAYS } from '../hall/opening-hours.js';
import type { Services } from '../services.js';

const SEEDER: HallActor = { kind: 'admin', principal: { tokenId: 'demo-seed', operatorId: null }, ip: '127.0.0.1' };
const HALL_NAME = '示例营业厅 Demo hall';

export interface DemoStaff {
  username: string;
  password: string;
  role: 'clerk' | 'supervisor';
}

export const DEMO_STAFF: DemoStaff[] = [
  { username: 'demo.clerk', password: 'demo-clerk-pass', role: 'clerk' },
  { username: 'demo.super', password: 'demo-super-pass', role: 'supervisor' },
];

export interface DemoHall {
  id: string;
  staff: DemoStaff[];
}

export async function seedDemoHall(services: Services): Promise<DemoHall> {
  const { hallAdmin, db, clock } = services;
  const { halls } = await hallAdmin.halls(SEEDER, 'demo');
  const existing = halls.find((h) => h.name === HALL_NAME);
  if (existing) return { id: existing.id, staff: DEMO_STAFF };
  const hall = await hallAdmin.createHall(SEEDER, 'demo', {
    name: HALL_NAME,
    address: '示例路 1 号 1 Demo Road',
    // Open around the clock, so whoever tries the demo can join the queue remotely at any hour.
    openingHours: Object.fromEntries(WEEKDAYS.map((day) => [day, ['00:00', '24:00']])),
  });
  await hallAdmin.createService(SEEDER, hall.id, {
    code: 'renewal',
    name: { 'zh-CN': '续费保号', en: 'Renewal' },
    ticketPrefix: 'A',
    defaultServiceSeconds: 240,
  });
  await hallAdmin.createService(SEEDER, hall.id, {
    code: 'new-sim',
    name: { 'zh-CN': '补卡换卡', en: 'New SIM' },
    ticketPrefix: 'B',
    defaultServiceSeconds: 480,
  });
  await hallAdmin.createService(SEEDER, hall.id, {
    code: 'enquiry',
    name: { 'zh-CN': '业务咨询', en: 'Enquiries' },
    ticketPrefix: 'C',
    defaultServiceSeconds: 180,
  });
  await hallAdmin.createCounter(SEEDER, hall.id, { name: '1', services: ['renewal', 'enquiry'] });
  await hallAdmin.createCounter(SEEDER, hall.id, { name: '2', services: ['renewal', 'new-sim'] });
  const layout = await hallAdmin.createCounter(SEEDER, hall.id, { name: '3', services: ['new-sim', 'enquiry'] });
  for (const staff of DEMO_STAFF) {
    const displayName = staff.role === 'clerk' ? '王小明 Wang Xiaoming' : '李主管 Li Ming';
    await hallAdmin.createStaff(SEEDER, 'demo', { ...staff, displayName, hall: hall.id });
  }
  // Counters start closed and only a supervisor opens them; the demo opens two for them.
  const open = layout.counters.filter((c) => c.name !== '3').map((c) => c.id);
  await setCounterStatus(db.kysely, open, 'open', clock.now().toISOString());
  return { id: hall.id, staff: DEMO_STAFF };
}
