/**
 * The kiosk, for the hall's touch screen: one large button per service takes a plain
 * ticket; below them, a customer who needs priority (elderly, disabled, an appointment)
 * chooses it first. A ticket shows its number, the QR code of its phone page, the people
 * ahead and the wait, then the kiosk returns to the start by itself.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert } from '../field.js';
import { type KioskHall, localName, PRIORITY_KINDS, type PriorityKind, type QueueTicket, waitWords } from './hall-api.js';
import { LangSwitch } from './lang-switch.js';
import { useBoardStream } from './live.js';

const RETURN_AFTER_SECONDS = 20;
/** A priority chosen and walked away from is forgotten, so the next customer starts plain. */
const PRIORITY_FORGOTTEN_AFTER_SECONDS = 30;

export function KioskPage({ hallId }: { hallId: string }) {
  const { t, i18n } = useTranslation();
  const [hall, setHall] = useState<KioskHall>();
  const [ticket, setTicket] = useState<QueueTicket>();
  const [priority, setPriority] = useState<PriorityKind>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    call(api.GET('/v1/halls/{hall}', { params: { path: { hall: hallId } } })).then(setHall, (failure: unknown) => setError(explain(failure, t)));
  }, [hallId, t]);
  useEffect(load, [load]);
  // The waits on the buttons follow the queue.
  useBoardStream(hallId, { onBoard: load });
  useEffect(() => {
    if (!priority) return;
    const timer = setTimeout(() => setPriority(undefined), PRIORITY_FORGOTTEN_AFTER_SECONDS * 1000);
    return () => clearTimeout(timer);
  }, [priority]);

  async function take(service: string) {
    setBusy(true);
    setError(undefined);
    try {
      const body = priority ? { service, priority } : { service };
      setTicket(await call(api.POST('/v1/halls/{hall}/tickets', { params: { path: { hall: hallId } }, body })));
      setPriority(undefined);
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
      <Alert message={error} />
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
          <PriorityChoice priority={priority} onChange={setPriority} />
        </section>
      )}
    </div>
  );
}

/** Toggle buttons (one at most pressed): a second tap on the chosen one takes it back. */
function PriorityChoice({ priority, onChange }: { priority: PriorityKind | undefined; onChange(kind: PriorityKind | undefined): void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="kiosk-priority">
      <legend>{t('hall.kiosk.priority')}</legend>
      <div className="kiosk-priority-kinds">
        {PRIORITY_KINDS.map((kind) => (
          <button
            type="button"
            key={kind}
            className="kiosk-priority-kind"
            aria-pressed={priority === kind}
            onClick={() => onChange(priority === kind ? undefined : kind)}
          >
            {t(`hall.priorities.${kind}`)}
          </button>
        ))}
      </div>
      <p className="kiosk-priority-hint" aria-live="polite">
        {priority ? t('hall.kiosk.priorityChosen', { kind: t(`hall.priorities.${priority}`) }) : t('hall.kiosk.priorityHint')}
      </p>
    </fieldset>
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
      {ticket.priority !== 'none' && (
        <p className="kiosk-priority-ticket">{t('hall.kiosk.priorityTicket', { kind: t(`hall.priorities.${ticket.priority}`) })}</p>
      )}
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
