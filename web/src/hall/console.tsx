/**
 * The counter console (staff only): the staff member's hall and counter, the queue controls,
 * the counter renewal for the ticket being served, the cash shift, and for supervisors the
 * approvals. An operator admin picks the hall first; the hall and the counter chosen are
 * remembered in this browser.
 */
import { Fragment, type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert } from '../field.js';
import { CounterQueue } from './console-queue.js';
import { CounterRenewalPanel } from './console-renewal.js';
import { Approvals, ShiftPanel } from './console-shift.js';
import type { CounterState, StaffHall } from './hall-api.js';
import { HallPick, usePickedHall } from './hall-pick.js';
import { LangSwitch } from './lang-switch.js';
import { useBoardStream } from './live.js';
import { RequireStaff, useStaff } from './staff-session.js';

const COUNTER_KEY = 'simkeep.counter';

export function ConsolePage() {
  return (
    <RequireStaff>
      <Console />
    </RequireStaff>
  );
}

export function StaffBar({ hall }: { hall: StaffHall | undefined }) {
  const { t } = useTranslation();
  const { me, signOut } = useStaff();
  return (
    <header className="bar staff-bar">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>{hall?.name ?? t('hall.console.heading')}</span>
      </span>
      <nav className="nav staff-nav" aria-label={t('hall.console.links')}>
        <Link href="/staff/console">{t('hall.console.heading')}</Link>
        {hall && (
          <>
            <a href={`/halls/${hall.id}/kiosk`} target="_blank" rel="noopener">
              {t('hall.console.kioskLink')}
            </a>
            <a href={`/halls/${hall.id}/board`} target="_blank" rel="noopener">
              {t('hall.console.boardLink')}
            </a>
          </>
        )}
        {me.staff.role !== 'clerk' && <Link href="/staff/stats">{t('hall.console.statsLink')}</Link>}
      </nav>
      <span className="staff-who">{t('hall.staff.signedInAs', { name: me.staff.displayName, role: t(`hall.staff.roles.${me.staff.role}`) })}</span>
      <button type="button" className="staff-out" onClick={() => void signOut()}>
        {t('hall.staff.signOut')}
      </button>
      <LangSwitch />
    </header>
  );
}

/**
 * A staff page about one hall: the bar, the heading, the hall picker (for staff of several
 * halls) and the page's body for the hall picked, mounted afresh for another hall so no
 * counter, figure or approval of the one before stays on it.
 */
export function StaffHallPage({ heading, headingHidden = false, body }: { heading: string; headingHidden?: boolean; body(hall: StaffHall): ReactNode }) {
  const { hall, pickHall } = usePickedHall();
  return (
    <div className="console">
      <StaffBar hall={hall} />
      <main className="console-main">
        <h1 className={headingHidden ? 'visually-hidden' : undefined}>{heading}</h1>
        <HallPick hall={hall} onPick={pickHall} />
        {hall && <Fragment key={hall.id}>{body(hall)}</Fragment>}
      </main>
    </div>
  );
}

function Console() {
  const { t } = useTranslation();
  return <StaffHallPage heading={t('hall.console.heading')} headingHidden body={(hall) => <HallConsole hall={hall} />} />;
}

function HallConsole({ hall }: { hall: StaffHall }) {
  const { t } = useTranslation();
  const { me } = useStaff();
  const pickId = useId();
  const [counter, setCounter] = useState<string | undefined>(() => {
    const saved = localStorage.getItem(COUNTER_KEY);
    return hall.counters.some((c) => c.id === saved) ? (saved ?? undefined) : hall.counters[0]?.id;
  });
  const [state, setState] = useState<CounterState>();
  const [error, setError] = useState<string>();
  const [revision, setRevision] = useState(0);

  const load = useCallback(() => {
    if (!counter) return;
    call(api.GET('/v1/console/counters/{counter}', { params: { path: { counter } } })).then(
      (loaded) => {
        setState(loaded);
        setError(undefined);
      },
      (failure: unknown) => setError(explain(failure, t)),
    );
  }, [counter, t]);
  useEffect(load, [load]);
  // Other counters' calls change the people waiting here.
  useBoardStream(hall.id, { onBoard: load });
  const changed = () => {
    load();
    setRevision((r) => r + 1);
  };
  function pick(id: string) {
    localStorage.setItem(COUNTER_KEY, id);
    setCounter(id);
  }

  const serving = state?.current?.status === 'serving' ? state.current : undefined;
  return (
    <>
      <div className="console-pick field">
        <label htmlFor={pickId}>{t('hall.console.counterPick')}</label>
        <select id={pickId} value={counter ?? ''} onChange={(e) => pick(e.target.value)}>
          {hall.counters.map((c) => (
            <option key={c.id} value={c.id}>
              {t('hall.counter', { name: c.name })} ({t(c.status === 'open' ? 'hall.console.open' : 'hall.console.closed')})
            </option>
          ))}
        </select>
      </div>
      <Alert message={error} />
      <div className="console-grid">
        <div className="console-column">
          {state && <CounterQueue hall={hall} state={state} onChange={changed} />}
          {counter && <ShiftPanel counter={counter} revision={revision} onChange={changed} />}
          {me.staff.role !== 'clerk' && <Approvals hall={hall} />}
        </div>
        <div className="console-column">
          {serving && <CounterRenewalPanel key={serving.id} ticket={serving.id} onRenewed={() => setRevision((r) => r + 1)} />}
        </div>
      </div>
    </>
  );
}
