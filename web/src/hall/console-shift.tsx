/**
 * The clerk's cash shift (open with a float; close by counting: expected, counted and the
 * difference), and for supervisors the hall's shifts waiting for approval (a cash
 * difference, or void requests) to approve.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert, TextField } from '../field.js';
import { money } from '../format.js';
import type { Lang } from '../i18n.js';
import { clockTime, type Shift, type StaffHall, yuanToCents } from './hall-api.js';
import { useStaff } from './staff-session.js';

const CURRENCY = 'CNY';

export function ShiftPanel({ counter, revision, onChange }: { counter: string; revision: number; onChange(): void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const { csrf } = useStaff();
  const [shift, setShift] = useState<Shift | null>();
  const [closed, setClosed] = useState<Shift>();
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string>();

  const load = useCallback(() => {
    call(api.GET('/v1/console/shifts/current')).then(
      (r) => setShift(r.shift),
      (failure: unknown) => setError(explain(failure, t)),
    );
  }, [t]);
  // Renewals change the tally: read it again when the console changes.
  useEffect(() => {
    if (revision >= 0) load();
  }, [load, revision]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const cents = yuanToCents(amount);
    if (cents === undefined) return;
    setError(undefined);
    try {
      if (shift) {
        setClosed(await call(api.POST('/v1/console/shifts/{shift}/close', { params: { path: { shift: shift.id } }, headers: csrf, body: { counted: cents } })));
      } else {
        await call(api.POST('/v1/console/shifts', { headers: csrf, body: { counter, float: cents } }));
        setClosed(undefined);
      }
      setAmount('');
      load();
      onChange();
    } catch (failure) {
      setError(explain(failure, t));
    }
  }

  const m = (cents: number | null | undefined) => (cents === null || cents === undefined ? '—' : money(cents, CURRENCY, lang));
  return (
    <section className="panel console-shift" aria-labelledby="shift-heading">
      <h2 id="shift-heading">{t('hall.shift.heading')}</h2>
      {closed && <ShiftFigures shift={closed} />}
      {shift === null && !closed && <p className="muted">{t('hall.shift.none')}</p>}
      {shift && (
        <dl className="facts">
          <dt>{t('hall.shift.openedAt')}</dt>
          <dd>{clockTime(shift.openedAt, lang)}</dd>
          <dt>{t('hall.shift.floatShort')}</dt>
          <dd>{m(shift.float)}</dd>
          <dt>{t('hall.shift.renewals')}</dt>
          <dd>{shift.tally.renewals}</dd>
          <dt>{t('hall.shift.cashTakings')}</dt>
          <dd>{m(shift.tally.cashTakings)}</dd>
          <dt>{t('hall.shift.change')}</dt>
          <dd>{m(shift.tally.change)}</dd>
          <dt>{t('hall.shift.posTotal')}</dt>
          <dd>{m(shift.tally.posTotal)}</dd>
          <dt>{t('hall.shift.expected')}</dt>
          <dd>{m(shift.tally.expected)}</dd>
        </dl>
      )}
      {shift !== undefined && (
        <form onSubmit={submit}>
          <TextField
            label={t(shift ? 'hall.shift.counted' : 'hall.shift.float')}
            inputMode="decimal"
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
          <Alert message={error} />
          <button type="submit" disabled={yuanToCents(amount) === undefined}>
            {t(shift ? 'hall.shift.closeShift' : 'hall.shift.openShift')}
          </button>
        </form>
      )}
    </section>
  );
}

/** A closed shift: expected, counted, the difference and where it stands. */
export function ShiftFigures({ shift }: { shift: Shift }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const m = (cents: number | null) => (cents === null ? '—' : money(cents, CURRENCY, lang));
  const difference = shift.difference ?? 0;
  return (
    <dl className="facts shift-figures" aria-label={t('hall.shift.heading')}>
      <dt>{t('hall.shift.expected')}</dt>
      <dd>{m(shift.expected)}</dd>
      <dt>{t('hall.shift.countedShort')}</dt>
      <dd>{m(shift.counted)}</dd>
      <dt>{t('hall.shift.difference')}</dt>
      <dd className={difference === 0 ? 'ok' : 'shift-difference'}>
        {difference > 0 ? '+' : difference < 0 ? '−' : ''}
        {m(Math.abs(difference))}
      </dd>
      <dt>{t('hall.shift.status')}</dt>
      <dd>{t(`hall.shift.statuses.${shift.status}`)}</dd>
    </dl>
  );
}

/** Supervisors: shifts of the hall with a difference or void requests to approve, each under its clerk's name. */
export function Approvals({ hall }: { hall: StaffHall }) {
  const hallId = hall.id;
  const counterName = (id: string) => hall.counters.find((c) => c.id === id)?.name ?? '';
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const { csrf } = useStaff();
  const [pending, setPending] = useState<Shift[]>();
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    Promise.all([
      call(api.GET('/v1/console/halls/{hall}/shifts', { params: { path: { hall: hallId }, query: { status: 'pending_approval' } } })),
      call(api.GET('/v1/console/halls/{hall}/shifts', { params: { path: { hall: hallId }, query: { status: 'open' } } })),
    ]).then(
      ([differences, open]) => setPending([...differences.shifts, ...open.shifts.filter((s) => s.tally.voidRequests.length > 0)]),
      (failure: unknown) => setError(explain(failure, t)),
    );
  }, [hallId, t]);
  useEffect(load, [load]);

  async function approve(work: Promise<unknown>) {
    setError(undefined);
    try {
      await work;
    } catch (failure) {
      setError(explain(failure, t));
    }
    load();
  }

  return (
    <section className="panel console-approvals" aria-labelledby="approvals-heading">
      <h2 id="approvals-heading">{t('hall.shift.approvals')}</h2>
      <Alert message={error} />
      {pending?.length === 0 && <p className="muted">{t('hall.shift.noApprovals')}</p>}
      <ul className="approvals">
        {pending?.map((s) => (
          <li key={s.id}>
            <p>
              <strong className="approval-clerk">{s.clerk.displayName}</strong> · {t('hall.counter', { name: counterName(s.counterId) })} ·{' '}
              {clockTime(s.openedAt, lang)}
              {s.closedAt ? `–${clockTime(s.closedAt, lang)}` : ''}
            </p>
            {s.status === 'pending_approval' && (
              <>
                <ShiftFigures shift={s} />
                <button
                  type="button"
                  className="primary"
                  onClick={() =>
                    void approve(call(api.POST('/v1/console/shifts/{shift}/approve', { params: { path: { shift: s.id } }, headers: csrf, body: {} })))
                  }
                >
                  {t('hall.shift.approve')}
                </button>
              </>
            )}
            {s.tally.voidRequests.map((order) => (
              <button
                key={order}
                type="button"
                onClick={() => void approve(call(api.POST('/v1/console/renewals/{order}/void/approve', { params: { path: { order } }, headers: csrf })))}
              >
                {t('hall.shift.approveVoid', { order })}
              </button>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
