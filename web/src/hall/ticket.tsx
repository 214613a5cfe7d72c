/**
 * The phone page of a ticket (what the kiosk's QR code opens): place in line, people ahead,
 * the wait, and "go to counter N" when called. It follows the hall's live stream and reads
 * the ticket again on every change, with a slow poll in case the stream is cut.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert } from '../field.js';
import type { Lang } from '../i18n.js';
import { clockTime, localName, type QueueTicket, waitWords } from './hall-api.js';
import { useBoardStream } from './live.js';

const POLL_MS = 20_000;

export function TicketPage({ token }: { token: string }) {
  const { t, i18n } = useTranslation();
  const [ticket, setTicket] = useState<QueueTicket>();
  const [error, setError] = useState<string>();

  const load = useCallback(() => {
    call(api.GET('/v1/tickets/{token}', { params: { path: { token } } })).then(
      (loaded) => {
        setTicket(loaded);
        setError(undefined);
      },
      (failure: unknown) => setError(explain(failure, t)),
    );
  }, [token, t]);
  useEffect(() => {
    load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [load]);
  const finished = ticket && ['done', 'no_show', 'cancelled'].includes(ticket.status);
  const live = useBoardStream(finished ? undefined : ticket?.hall.id, { onBoard: load });

  if (!ticket)
    return error ? (
      <p className="alert" role="alert">
        {error}
      </p>
    ) : (
      <p className="muted">{t('common.loading')}</p>
    );
  return (
    <section className={`panel ticket ticket-${ticket.status}`} aria-labelledby="ticket-heading">
      <h1 id="ticket-heading">{t('hall.ticket.heading')}</h1>
      <p className="ticket-hall">{ticket.hall.name}</p>
      <p className="ticket-number">{ticket.number}</p>
      <p className="ticket-service">{localName(ticket.service.name, i18n.language)}</p>
      {ticket.priority !== 'none' && <p className="ticket-priority">{t('hall.kiosk.priorityTicket', { kind: t(`hall.priorities.${ticket.priority}`) })}</p>}
      <div role="status" aria-live="assertive" aria-atomic="true">
        <TicketState ticket={ticket} />
      </div>
      {ticket.status === 'waiting' && <LeaveQueue token={token} onLeft={setTicket} />}
      <p className="small muted">
        {t('hall.ticket.issuedAt')} {clockTime(ticket.issuedAt, i18n.language as Lang)}
        {live && !finished ? ` · ${t('hall.ticket.live')}` : ''}
      </p>
    </section>
  );
}

/** Leaving the queue, asked twice so a stray tap does not lose the place. */
function LeaveQueue({ token, onLeft }: { token: string; onLeft(ticket: QueueTicket): void }) {
  const { t } = useTranslation();
  const [sure, setSure] = useState(false);
  const [error, setError] = useState<string>();
  async function leave() {
    try {
      onLeft(await call(api.POST('/v1/tickets/{token}/cancel', { params: { path: { token } } })));
    } catch (failure) {
      setError(explain(failure, t));
    }
  }
  return (
    <div className="ticket-leave">
      <Alert message={error} />
      {sure ? (
        <>
          <p>{t('hall.ticket.leaveSure')}</p>
          <button type="button" onClick={() => void leave()}>
            {t('hall.ticket.leaveConfirm')}
          </button>{' '}
          <button type="button" onClick={() => setSure(false)}>
            {t('hall.ticket.stay')}
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setSure(true)}>
          {t('hall.ticket.leave')}
        </button>
      )}
    </div>
  );
}

function TicketState({ ticket }: { ticket: QueueTicket }) {
  const { t } = useTranslation();
  const counter = ticket.counter ?? '';
  switch (ticket.status) {
    case 'waiting':
    case 'transferred': {
      const ahead = ticket.ahead ?? 0;
      return (
        <div className="ticket-waiting">
          {ticket.status === 'transferred' && <p>{t('hall.ticket.transferred')}</p>}
          <p className="ticket-position">{t('hall.ticket.position', { position: ahead + 1 })}</p>
          <p>{t('hall.ahead', { count: ahead })}</p>
          <p>{waitWords(ticket.estimatedWaitSeconds, t)}</p>
        </div>
      );
    }
    case 'called':
      return (
        <div className="ticket-called">
          <p className="ticket-go">{t(ticket.recalls > 0 ? 'hall.ticket.recalled' : 'hall.ticket.called', { counter })}</p>
          <p>{t('hall.ticket.calledHint')}</p>
        </div>
      );
    case 'serving':
      return <p className="ticket-go">{t('hall.ticket.serving', { counter })}</p>;
    case 'done':
      return <p>{t('hall.ticket.done')}</p>;
    case 'no_show':
      return <p>{t('hall.ticket.noShow')}</p>;
    case 'cancelled':
      return <p>{t('hall.ticket.cancelled')}</p>;
  }
}
