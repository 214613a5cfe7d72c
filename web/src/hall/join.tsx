/** Remote joining: choose a service, optionally a phone number for the SMS, then follow the ticket's phone page. */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert, TextField, useRefusedSubmit } from '../field.js';
import { msisdnProblem, normaliseMsisdn } from '../validation.js';
import { type KioskHall, localName, waitWords } from './hall-api.js';
import { openingWords } from './hall-day.js';

export function JoinPage({ hallId }: { hallId: string }) {
  const { t, i18n } = useTranslation();
  const [, navigate] = useLocation();
  const [hall, setHall] = useState<KioskHall>();
  const [service, setService] = useState<string>();
  const [phone, setPhone] = useState('');
  const [phoneProblem, setPhoneProblem] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const check = useRefusedSubmit(phoneProblem ? 1 : 0);

  useEffect(() => {
    call(api.GET('/v1/halls/{hall}', { params: { path: { hall: hallId } } })).then(
      (loaded) => {
        setHall(loaded);
        setService((current) => current ?? loaded.services[0]?.code);
      },
      (failure: unknown) => setError(explain(failure, t)),
    );
  }, [hallId, t]);

  async function join(event: FormEvent) {
    event.preventDefault();
    if (!service) return;
    const problem = phone.trim() ? msisdnProblem(phone) : undefined;
    setPhoneProblem(problem);
    if (problem) {
      check.refused();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const body = phone.trim() ? { service, phone: normaliseMsisdn(phone) } : { service };
      const ticket = await call(api.POST('/v1/halls/{hall}/remote-tickets', { params: { path: { hall: hallId } }, body }));
      navigate(`/tickets/${ticket.token}`);
    } catch (failure) {
      setError(explain(failure, t));
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="join-heading">
      <h1 id="join-heading">{t('hall.join.heading')}</h1>
      {hall && <p className="muted">{hall.name}</p>}
      <p>{t('hall.join.intro')}</p>
      {hall && !hall.open && (
        <p className="alert" role="status">
          {hall.opensAt ? t('hall.join.closed', { when: openingWords(hall.opensAt, hall.timeZone, i18n.language) }) : t('hall.join.closedNoHours')}
        </p>
      )}
      <form ref={check.form} onSubmit={join} noValidate>
        <fieldset className="plans">
          <legend>{t('hall.join.service')}</legend>
          {hall?.services.map((s) => (
            <label key={s.code} className={`plan${service === s.code ? ' chosen' : ''}`}>
              <input type="radio" name="service" value={s.code} checked={service === s.code} onChange={() => setService(s.code)} />
              <span className="plan-name">{localName(s.name, i18n.language)}</span>
              <span className="plan-date">
                {t('hall.waiting', { count: s.waiting })} · {waitWords(s.estimatedWaitSeconds, t)}
              </span>
            </label>
          ))}
        </fieldset>
        <TextField
          label={t('hall.join.phone')}
          hint={t('hall.join.phoneHint')}
          problem={phoneProblem ? t(phoneProblem) : undefined}
          type="tel"
          autoComplete="tel"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
        {check.summary}
        <Alert message={error} />
        <button type="submit" className="primary" disabled={busy || !service || hall?.open === false}>
          {t('hall.join.submit')}
        </button>
      </form>
    </section>
  );
}
