/** Home: the renewal form. Number and serial are checked as they are typed. */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, call } from '../api.js';
import { useBrand } from '../app.js';
import { explain } from '../errors.js';
import { rememberCard, rememberedCard } from '../session.js';
import { iccidProblem, msisdnProblem, normaliseIccid, normaliseMsisdn } from '../validation.js';

export function HomePage() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const { setBrand } = useBrand();
  const remembered = rememberedCard();
  const [msisdn, setMsisdn] = useState(remembered?.msisdn ?? '');
  const [iccid, setIccid] = useState(remembered?.iccid ?? '');
  const [touched, setTouched] = useState({ msisdn: false, iccid: false });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const ids = { msisdn: useId(), iccid: useId(), msisdnHelp: useId(), iccidHelp: useId(), error: useId() };
  const problems = { msisdn: msisdnProblem(msisdn), iccid: iccidProblem(iccid) };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched({ msisdn: true, iccid: true });
    if (problems.msisdn || problems.iccid) return;
    setBusy(true);
    setError(undefined);
    const proof = { msisdn: normaliseMsisdn(msisdn), iccid: normaliseIccid(iccid) };
    try {
      const found = await call(api.POST('/v1/cards/lookup', { body: proof }));
      rememberCard(proof);
      setBrand({ name: found.card.operatorName, color: found.card.brandColor });
      navigate('/card', { state: found });
    } catch (failure) {
      setError(explain(failure, t));
    } finally {
      setBusy(false);
    }
  }

  const field = (name: 'msisdn' | 'iccid') => {
    const problem = touched[name] ? problems[name] : undefined;
    return { problem, describedBy: `${name === 'msisdn' ? ids.msisdnHelp : ids.iccidHelp}${problem ? ` ${ids[name]}-problem` : ''}` };
  };
  const m = field('msisdn');
  const i = field('iccid');

  return (
    <section className="panel">
      <h1>{t('home.heading')}</h1>
      <p className="muted">{t('home.intro')}</p>
      <form onSubmit={submit} noValidate aria-describedby={error ? ids.error : undefined}>
        <div className="field">
          <label htmlFor={ids.msisdn}>{t('home.msisdn')}</label>
          <input
            id={ids.msisdn}
            name="msisdn"
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            value={msisdn}
            placeholder="+8613800138000"
            aria-invalid={m.problem ? true : undefined}
            aria-describedby={m.describedBy}
            onChange={(e) => setMsisdn(e.target.value)}
            onBlur={() => setTouched((s) => ({ ...s, msisdn: true }))}
          />
          <small id={ids.msisdnHelp}>{t('home.msisdnHint')}</small>
          {m.problem && (
            <small id={`${ids.msisdn}-problem`} className="problem">
              {t(m.problem)}
            </small>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.iccid}>{t('home.iccid')}</label>
          <input
            id={ids.iccid}
            name="iccid"
            inputMode="numeric"
            autoComplete="off"
            value={iccid}
            placeholder="8986…"
            aria-invalid={i.problem ? true : undefined}
            aria-describedby={i.describedBy}
            onChange={(e) => setIccid(e.target.value)}
            onBlur={() => setTouched((s) => ({ ...s, iccid: true }))}
          />
          <small id={ids.iccidHelp}>{t('home.iccidHint')}</small>
          {i.problem && (
            <small id={`${ids.iccid}-problem`} className="problem">
              {t(i.problem)}
            </small>
          )}
        </div>
        {error && (
          <p id={ids.error} className="alert" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('common.loading') : t('home.submit')}
        </button>
      </form>
      <p className="aside">
        <Link href="/find">{t('home.findOrder')}</Link>
      </p>
    </section>
  );
}
