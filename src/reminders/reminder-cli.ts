/**
 * `simkeep reminders --date YYYY-MM-DD [--operator CODE] [--dry-run]`: what one local day's
 * sweep enqueues, per operator and step, with masked numbers; without --dry-run it also
 * enqueues them (the same exactly-once insert the scheduled sweep runs, looking at every
 * card of each step's window for late ones, where the sweep looks at those that changed).
 */

import type { Operator } from '../catalog/model.js';
import type { Services } from '../services.js';
import { maskMsisdn } from '../shared/msisdn.js';
import { enqueueDay, planDay } from './reminder-sweep.js';

export async function runReminders(services: Services, operators: Operator[], day: string, dryRun: boolean): Promise<void> {
  for (const operator of operators) {
    const { schedule } = await services.notificationSettings.of(operator.id);
    const planned = await planDay(services.db.kysely, operator, schedule, day);
    console.log(`${operator.code} (${operator.timeZone}) ${day}: ${planned.length} reminder${planned.length === 1 ? '' : 's'}`);
    for (const step of schedule) {
      const ofStep = planned.filter((p) => p.step === step.code);
      if (ofStep.length === 0) continue;
      console.log(`  ${step.code}: ${ofStep.length}`);
      for (const reminder of ofStep.slice(0, 20)) console.log(`    ${maskMsisdn(reminder.msisdn)}  valid until ${reminder.validUntil}`);
      if (ofStep.length > 20) console.log(`    … and ${ofStep.length - 20} more`);
    }
    if (!dryRun) {
      const now = services.clock.now();
      const { db } = services;
      const enqueued = await db.kysely.transaction().execute((trx) => enqueueDay(trx, db.dialect, operator, schedule, day, now, 'all'));
      console.log(`  enqueued ${enqueued} new (${planned.length - enqueued} were already queued or sent)`);
    }
  }
}
