/**
 * The optional account: sign in with a code sent by SMS, then my cards (add one by proving
 * its serial), their orders and receipts, and each card's reminder preferences.
 */
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { ApiError, api, call, type paths } from '../api.js';
import { explain } from '../errors.js';
import { Alert, TextField } from '../field.js';
import { date, money } from '../format.js';
import type { Lang } from '../i18n.js';
import { rememberCard } from '../session.js';
import { iccidProblem, msisdnProblem, normaliseIccid, normaliseMsisdn } from '../validation.js';

type Me = paths['/v1/me']['get']['responses']['200']['content']['application/json'];
type MyCard = Me['cards'][number];
type MyOrders = paths['/v1/me/orders']['get']['responses']['200']['content']['application/json'];

export function AccountPage() {
  const { t } = useTranslation();
  const [me, setMe] = useState<Me | null>();
  const [error, setError] = useState<string>();

  const load = useCallback(() => {
    call(api.GET('/v1/me'))
      .then(setMe)
      .catch((failure) => {
        if (failure instanceof ApiError && failure.code === 'unauthorized') setMe(null);
        else setError(explain(failure, t));
      });
  }, [t]);
  useEffect(load, [load]);

  if (error)
    return (
      <section className="panel">
        <p className="alert" role="alert">
          {error}
        </p>
      </section>
    );
  if (me === undefined) return <p className="panel">{t('common.loading')}</p>;
  if (me === null) return <SignIn onSignedIn={load} />;
  return <Account me={me} reload={load} />;
}

function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [msisdn, setMsisdn] = useState('');
  const [sentTo, setSentTo] = useState<string>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function send(event?: FormEvent) {
    event?.preventDefault();
    const problem = msisdnProblem(msisdn);
    if (problem) return setError(t(problem));
    setBusy(true);
    setError(undefined);
    try {
      const number = normaliseMsisdn(msisdn);
      await call(api.POST('/v1/auth/code', { body: { msisdn: number } }));
      setSentTo(number);
    } catch (failure) {
      setError(explain(failure, t));
    } finally {
      setBusy(false);
    }
  }

  async function verify(event: FormEvent) {
    event.preventDefault();
    if (!sentTo) return;
    setBusy(true);
    setError(undefined);
    try {
      await call(api.POST('/v1/auth/verify', { body: { msisdn: sentTo, code: code.trim() } }));
      onSignedIn();
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'code_invalid')
        setError(t('account.code_invalid', { count: Number(failure.details.triesLeft ?? 0) }));
      else if (failure instanceof ApiError && failure.code === 'code_expired') setError(t('account.code_expired'));
      else setError(explain(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel">
      <h1>{t('account.heading')}</h1>
      <p className="muted">{t('account.signInIntro')}</p>
      {!sentTo ? (
        <form onSubmit={send} noValidate>
          <TextField
            label={t('account.msisdn')}
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            value={msisdn}
            placeholder="+8613800138000"
            onChange={(e) => setMsisdn(e.target.value)}
          />
          <Alert message={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('account.sendCode')}
          </button>
        </form>
      ) : (
        <form onSubmit={verify} noValidate>
          <p role="status">{t('account.codeSent', { msisdn: sentTo })}</p>
          <TextField
            label={t('account.code')}
            hint={t('account.codeHint')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
          />
          <Alert message={error} />
          <button type="submit" className="primary" disabled={busy || code.length !== 6}>
            {t('account.verify')}
          </button>
          <p className="aside">
            <button type="button" onClick={() => void send()} disabled={busy}>
              {t('account.resend')}
            </button>
          </p>
        </form>
      )}
    </section>
  );
}

function Account({ me, reload }: { me: Me; reload: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const [orders, setOrders] = useState<MyOrders['orders']>();

  useEffect(() => {
    call(api.GET('/v1/me/orders', { params: { query: { limit: 20 } } }))
      .then((o) => setOrders(o.orders))
      .catch(() => setOrders([]));
  }, []);

  async function signOut() {
    await api.POST('/v1/auth/logout');
    reload();
  }

  return (
    <>
      <section className="panel">
        <div className="row-between">
          <h1>{t('account.heading')}</h1>
          <button type="button" onClick={() => void signOut()}>
            {t('account.signOut')}
          </button>
        </div>
        <p className="muted">{me.msisdn}</p>
        <h2>{t('account.myCards')}</h2>
        {me.cards.map((card) => (
          <MyCardItem key={card.id} card={card} lang={lang} reload={reload} />
        ))}
        <AddCard onAdded={reload} />
      </section>
      <section className="panel">
        <h2>{t('account.orders')}</h2>
        {orders === undefined ? (
          <p>{t('common.loading')}</p>
        ) : orders.length === 0 ? (
          <p className="muted">{t('account.noOrders')}</p>
        ) : (
          <ul className="orders">
            {orders.map((o) => (
              <li key={o.id}>
                <Link href={`/orders/${o.id}`}>{o.receipt?.number ?? o.id}</Link>
                <span>{o.msisdn}</span>
                <span>{o.planName ? (lang === 'en' ? o.planName.en : o.planName['zh-CN']) : o.plan}</span>
                <span>{money(o.total, o.currency, lang)}</span>
                <span className="muted">{o.status === 'fulfilled' && o.validUntilAfter ? date(o.validUntilAfter, lang) : t(`orderStatus.${o.status}`)}</span>
                {o.receipt && <a href={o.receipt.pdfUrl}>PDF</a>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function MyCardItem({ card, lang, reload }: { card: MyCard; lang: Lang; reload: () => void }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const tone = card.expiringSoon ? 'expiring' : card.status;

  async function remove() {
    await api.DELETE('/v1/me/cards/{id}', { params: { path: { id: card.id } } });
    reload();
  }

  return (
    <article className={`my-card status status-${tone}`}>
      <div className="row-between">
        <strong>{card.msisdn}</strong>
        <span className="badge">{t(`status.${tone}`)}</span>
      </div>
      <p>
        {t('card.validUntil')} {date(card.validUntil, lang)} · {card.operatorName}
      </p>
      <div className="links">
        {card.renewable && (
          <button
            type="button"
            className="primary-inline"
            onClick={() => {
              rememberCard({ msisdn: card.msisdn, iccid: card.iccidLast6 });
              navigate('/card');
            }}
          >
            {t('account.renew')}
          </button>
        )}
        <button type="button" onClick={() => void remove()}>
          {t('account.remove')}
        </button>
      </div>
      <Reminders card={card} />
    </article>
  );
}

function Reminders({ card }: { card: MyCard }) {
  const { t } = useTranslation();
  const [channel, setChannel] = useState(card.contact.channel);
  const [email, setEmail] = useState('');
  const [locale, setLocale] = useState(card.contact.locale);
  const [optedOut, setOptedOut] = useState(card.contact.optedOut);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const ids = { channel: useId(), email: useId(), locale: useId(), optOut: useId() };

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      await call(
        api.PUT('/v1/me/cards/{id}/contact', {
          params: { path: { id: card.id } },
          body: { channel, locale, optedOut, ...(channel === 'email' ? { email: email.trim() } : {}) },
        }),
      );
      setMessage({ ok: true, text: t('account.saved') });
    } catch (failure) {
      setMessage({ ok: false, text: explain(failure, t) });
    }
  }

  return (
    <details className="reminders">
      <summary>{t('account.reminders')}</summary>
      <form onSubmit={save}>
        <div className="field">
          <label htmlFor={ids.channel}>{t('account.channel')}</label>
          <select id={ids.channel} value={channel} onChange={(e) => setChannel(e.target.value as 'sms' | 'email')}>
            <option value="sms">{t('account.sms')}</option>
            <option value="email">{t('account.email')}</option>
          </select>
        </div>
        {channel === 'email' && (
          <div className="field">
            <label htmlFor={ids.email}>{t('account.emailAddress')}</label>
            <input
              id={ids.email}
              type="email"
              autoComplete="email"
              value={email}
              placeholder={card.contact.email ?? ''}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.locale}>{t('account.language')}</label>
          <select id={ids.locale} value={locale} onChange={(e) => setLocale(e.target.value as 'zh-CN' | 'en')}>
            <option value="zh-CN">中文</option>
            <option value="en">English</option>
          </select>
        </div>
        <label className="check" htmlFor={ids.optOut}>
          <input id={ids.optOut} type="checkbox" checked={optedOut} onChange={(e) => setOptedOut(e.target.checked)} /> {t('account.optOut')}
        </label>
        <button type="submit">{t('account.save')}</button>
        {message && (
          <p className={message.ok ? 'ok' : 'problem'} role="status">
            {message.text}
          </p>
        )}
      </form>
    </details>
  );
}

function AddCard({ onAdded }: { onAdded: () => void }) {
  const { t } = useTranslation();
  const [msisdn, setMsisdn] = useState('');
  const [iccid, setIccid] = useState('');
  const [error, setError] = useState<string>();

  async function add(event: FormEvent) {
    event.preventDefault();
    const problem = msisdnProblem(msisdn) ?? iccidProblem(iccid);
    if (problem) return setError(t(problem));
    setError(undefined);
    try {
      await call(api.POST('/v1/me/cards', { body: { msisdn: normaliseMsisdn(msisdn), iccid: normaliseIccid(iccid) } }));
      setMsisdn('');
      setIccid('');
      onAdded();
    } catch (failure) {
      setError(explain(failure, t));
    }
  }

  return (
    <details className="add-card">
      <summary>{t('account.addCard')}</summary>
      <form onSubmit={add} noValidate>
        <p className="muted">{t('account.addCardIntro')}</p>
        <TextField label={t('home.msisdn')} type="tel" inputMode="tel" value={msisdn} onChange={(e) => setMsisdn(e.target.value)} />
        <TextField label={t('home.iccid')} inputMode="numeric" value={iccid} onChange={(e) => setIccid(e.target.value)} />
        <Alert message={error} />
        <button type="submit">{t('account.add')}</button>
      </form>
    </details>
  );
}
