/** Home: the renewal form. Number and serial are checked as they are typed. */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, call } from '../api.js';
import { useBrand } from '../brand.js';
import { explain } from '../errors.js';
import { TextField, useRefusedSubmit } from '../field.js';
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
  const errorId = useId();
  const problems = { msisdn: msisdnProblem(msisdn), iccid: iccidProblem(iccid) };
  const check = useRefusedSubmit([problems.msisdn, problems.iccid].filter(Boolean).length);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched({ msisdn: true, iccid: true });
    if (problems.msisdn || problems.iccid) {
      check.refused();
      return;
    }
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

  const shown = (name: 'msisdn' | 'iccid') => {
    const problem = touched[name] ? problems[name] : undefined;
    return problem ? t(problem) : undefined;
  };

  return (
    <section className="panel">
      <h1>{t('home.heading')}</h1>
      <p className="muted">{t('home.intro')}</p>
      <form ref={check.form} onSubmit={submit} noValidate aria-describedby={error ? errorId : undefined}>
        <TextField
          label={t('home.msisdn')}
          hint={t('home.msisdnHint')}
          problem={shown('msisdn')}
          name="msisdn"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          value={msisdn}
          placeholder="+8613800138000"
          onChange={(e) => setMsisdn(e.target.value)}
          onBlur={() => setTouched((s) => ({ ...s, msisdn: true }))}
        />
        <TextField
          label={t('home.iccid')}
          hint={t('home.iccidHint')}
          problem={shown('iccid')}
          name="iccid"
          inputMode="numeric"
          autoComplete="off"
          value={iccid}
          placeholder="8986…"
          onChange={(e) => setIccid(e.target.value)}
          onBlur={() => setTouched((s) => ({ ...s, iccid: true }))}
        />
        {check.summary}
        {error && (
          <p id={errorId} className="alert" role="alert">
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
