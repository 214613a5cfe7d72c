/**
 * The counter's queue controls: open/close (supervisor), people waiting, call next, and
 * the current ticket's recall, no-show, start, finish and transfer; or a walk-in.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert } from '../field.js';
import { type ConsoleTicket, type CounterState, localName, type StaffHall } from './hall-api.js';
import { useStaff } from './staff-session.js';

type TicketVerb = 'recall' | 'no-show' | 'start' | 'finish';

export function CounterQueue({ hall, state, onChange }: { hall: StaffHall; state: CounterState; onChange(): void }) {
  const { t, i18n } = useTranslation();
  const { me, csrf } = useStaff();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const counter = state.counter.id;
  const serviceName = (code: string) => {
    const service = hall.services.find((s) => s.code === code);
    return service ? localName(service.name, i18n.language) : code;
  };

  async function act(work: () => Promise<unknown>) {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await work();
    } catch (failure) {
      setError(explain(failure, t));
    } finally {
      setBusy(false);
      onChange();
    }
  }
  const path = { params: { path: { counter } }, headers: csrf };
  const callNext = () =>
    act(async () => {
      const { ticket } = await call(api.POST('/v1/console/counters/{counter}/call-next', path));
      if (!ticket) setNotice(t('hall.console.nobody'));
    });
  const setOpen = (open: boolean) => act(() => call(api.POST(open ? '/v1/console/counters/{counter}/open' : '/v1/console/counters/{counter}/close', path)));
  const onTicket = (verb: TicketVerb, ticket: string) =>
    act(() => call(api.POST(`/v1/console/tickets/{ticket}/${verb}`, { params: { path: { ticket } }, headers: csrf })));

  const open = state.counter.status === 'open';
  return (
    <section className="panel console-queue" aria-labelledby="console-queue">
      <h2 id="console-queue">
        {t('hall.counter', { name: state.counter.name })} · {t(open ? 'hall.console.open' : 'hall.console.closed')}
      </h2>
      <ul className="console-waiting">
        {state.services.map((s) => (
          <li key={s.code}>{t('hall.console.waitingFor', { service: serviceName(s.code), count: s.waiting })}</li>
        ))}
      </ul>
      {me.staff.role !== 'clerk' && (
        <button type="button" disabled={busy} onClick={() => void setOpen(!open)}>
          {t(open ? 'hall.console.closeCounter' : 'hall.console.openCounter')}
        </button>
      )}
      {!open && <p className="muted">{t('hall.console.closedHint')}</p>}
      <Alert message={error} />
      {notice && <p role="status">{notice}</p>}
      {state.current ? (
        <CurrentTicket ticket={state.current} hall={hall} busy={busy} onTicket={onTicket} act={act} serviceName={serviceName} />
      ) : (
        open && (
          <div className="console-idle">
            <button type="button" className="primary console-call" disabled={busy} onClick={() => void callNext()}>
              {t('hall.console.callNext')}
            </button>
            <WalkIn hall={hall} counter={counter} busy={busy} act={act} />
          </div>
        )
      )}
    </section>
  );
}

function CurrentTicket({
  ticket,
  hall,
  busy,
  onTicket,
  act,
  serviceName,
}: {
  ticket: ConsoleTicket;
  hall: StaffHall;
  busy: boolean;
  onTicket(verb: TicketVerb, ticket: string): Promise<void>;
  act(work: () => Promise<unknown>): Promise<void>;
  serviceName(code: string): string;
}) {
  const { t } = useTranslation();
  const { csrf } = useStaff();
  const [service, setService] = useState(ticket.service);
  const [counter, setCounter] = useState('');
  const called = ticket.status === 'called';
  const transfer = () =>
    act(() =>
      call(
        api.POST('/v1/console/tickets/{ticket}/transfer', {
          params: { path: { ticket: ticket.id } },
          headers: csrf,
          body: { service, ...(counter ? { counter } : {}) },
        }),
      ),
    );
  return (
    <section className="console-current" aria-label={t('hall.console.current')}>
      <p className="console-number">
        <span className="console-ticket">{ticket.number}</span>
        <span>
          {serviceName(ticket.service)} · {t(`hall.console.statuses.${ticket.status}`)}
        </span>
      </p>
      {ticket.priority !== 'none' && <p className="console-priority">{t('hall.console.priority', { kind: t(`hall.priorities.${ticket.priority}`) })}</p>}
      {called && <p className="small">{t('hall.console.recalls', { count: ticket.recalls, max: ticket.maxRecalls })}</p>}
      <div className="console-actions">
        {called && (
          <>
            <button type="button" className="primary" disabled={busy} onClick={() => void onTicket('start', ticket.id)}>
              {t('hall.console.start')}
            </button>
            <button type="button" disabled={busy || ticket.recalls >= ticket.maxRecalls} onClick={() => void onTicket('recall', ticket.id)}>
              {t('hall.console.recall')}
            </button>
            <button type="button" disabled={busy || ticket.recalls < ticket.maxRecalls} onClick={() => void onTicket('no-show', ticket.id)}>
              {t('hall.console.noShow')}
            </button>
          </>
        )}
        {ticket.status === 'serving' && (
          <button type="button" className="primary" disabled={busy} onClick={() => void onTicket('finish', ticket.id)}>
            {t('hall.console.finish')}
          </button>
        )}
      </div>
      <details className="console-transfer">
        <summary>{t('hall.console.transfer')}</summary>
        <label>
          {t('hall.console.transferTo')}
          <select value={service} onChange={(e) => setService(e.target.value)}>
            {hall.services.map((s) => (
              <option key={s.code} value={s.code}>
                {serviceName(s.code)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('hall.console.transferCounter')}
          <select value={counter} onChange={(e) => setCounter(e.target.value)}>
            <option value="">{t('hall.console.anyCounter')}</option>
            {hall.counters
              .filter((c) => c.services.includes(service))
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {t('hall.counter', { name: c.name })}
                </option>
              ))}
          </select>
        </label>
        <button type="button" disabled={busy} onClick={() => void transfer()}>
          {t('hall.console.transfer')}
        </button>
      </details>
    </section>
  );
}

function WalkIn({ hall, counter, busy, act }: { hall: StaffHall; counter: string; busy: boolean; act(work: () => Promise<unknown>): Promise<void> }) {
  const { t, i18n } = useTranslation();
  const { csrf } = useStaff();
  const [service, setService] = useState(hall.services[0]?.code ?? '');
  return (
    <div className="console-walkin">
      <label>
        {t('hall.console.walkInService')}
        <select value={service} onChange={(e) => setService(e.target.value)}>
          {hall.services.map((s) => (
            <option key={s.code} value={s.code}>
              {localName(s.name, i18n.language)}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        disabled={busy || !service}
        onClick={() =>
          void act(() => call(api.POST('/v1/console/counters/{counter}/walk-in', { params: { path: { counter } }, headers: csrf, body: { service } })))
        }
      >
        {t('hall.console.serveWalkIn')}
      </button>
    </div>
  );
}
