/**
 * The kiosk, for the hall's touch screen: one large button per service; a ticket shows its
 * number, the QR code of its phone page, the people ahead and the wait, then the kiosk
 * returns to the start by itself.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { type KioskHall, localName, type QueueTicket, waitWords } from './hall-api.js';
import { LangSwitch } from './lang-switch.js';
import { useBoardStream } from './live.js';

const RETURN_AFTER_SECONDS = 20;

export function KioskPage({ hallId }: { hallId: string }) {
  const { t, i18n } = useTranslation();
  const [hall, setHall] = useState<KioskHall>();
  const [ticket, setTicket] = useState<QueueTicket>();
  const [priority, setPriority] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    call(api.GET('/v1/halls/{hall}', { params: { path: { hall: hallId } } })).then(setHall, (failure: unknown) => setError(explain(failure, t)));
  }, [hallId, t]);
  useEffect(load, [load]);
  // The waits on the buttons follow the queue.
  useBoardStream(hallId, { onBoard: load });

  async function take(service: string) {
    setBusy(true);
    setError(undefined);
    try {
      const body = priority ? { service, priority: 'elderly' as const } : { service };
      setTicket(await call(api.POST('/v1/halls/{hall}/tickets', { params: { path: { hall: hallId } }, body })));
      setPriority(false);
    } catch (failure) {
      setError(explain(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="kiosk">
      <header className="kiosk-bar">
        <span className="kiosk-hall">{hall?.name}</span>
        <LangSwitch className="lang kiosk-lang" />
      </header>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {ticket ? (
        <KioskTicket ticket={ticket} onDone={() => setTicket(undefined)} />
      ) : (
        <section aria-labelledby="kiosk-heading">
          <h1 id="kiosk-heading">{t('hall.kiosk.heading')}</h1>
          <div className="kiosk-services">
            {hall?.services.map((service) => (
              <button type="button" key={service.code} className="kiosk-service" disabled={busy} onClick={() => void take(service.code)}>
                <span className="kiosk-prefix" aria-hidden="true">
                  {service.ticketPrefix}
                </span>
                <span className="kiosk-name">{localName(service.name, i18n.language)}</span>
                <span className="kiosk-load">
                  {t('hall.waiting', { count: service.waiting })} · {waitWords(service.estimatedWaitSeconds, t)}
                </span>
              </button>
            ))}
          </div>
          <label className="kiosk-priority">
            <input type="checkbox" checked={priority} onChange={(e) => setPriority(e.target.checked)} />
            {t('hall.kiosk.priority')}
          </label>
        </section>
      )}
    </div>
  );
}

function KioskTicket({ ticket, onDone }: { ticket: QueueTicket; onDone(): void }) {
  const { t, i18n } = useTranslation();
  const [left, setLeft] = useState(RETURN_AFTER_SECONDS);
  useEffect(() => {
    const timer = setInterval(() => setLeft((s) => s - 1), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (left <= 0) onDone();
  }, [left, onDone]);
  return (
    <section className="kiosk-ticket" aria-labelledby="kiosk-ticket-heading">
      <h1 id="kiosk-ticket-heading">{t('hall.kiosk.ticketHeading')}</h1>
      <p className="kiosk-number" role="status">
        {ticket.number}
      </p>
      <p className="kiosk-service-name">{localName(ticket.service.name, i18n.language)}</p>
      <p className="kiosk-facts">
        <span>{t('hall.ahead', { count: ticket.ahead ?? 0 })}</span>
        <span>{waitWords(ticket.estimatedWaitSeconds, t)}</span>
      </p>
      <figure className="kiosk-qr">
        <img src={`/v1/tickets/${encodeURIComponent(ticket.token)}/qr.svg`} alt={t('hall.kiosk.qrAlt', { number: ticket.number })} width={220} height={220} />
        <figcaption>{t('hall.kiosk.qr')}</figcaption>
      </figure>
      <button type="button" className="primary kiosk-done" onClick={onDone}>
        {t('hall.kiosk.back')}
      </button>
      <p className="muted">{t('hall.kiosk.returning', { seconds: Math.max(0, left) })}</p>
    </section>
  );
}
