/**
 * The counter renewal, from the served ticket (or a walk-in): find the card (number + serial,
 * or the whole serial read by a barcode scanner, which types it and presses Enter), the ID
 * check, plan and coupon with the quote, then cash (tendered → change due) or bank card.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, call, idempotencyKey } from '../api.js';
import { explain } from '../errors.js';
import { Alert, TextField } from '../field.js';
import { date, money } from '../format.js';
import type { Lang } from '../i18n.js';
import { normaliseIccid, normaliseMsisdn } from '../validation.js';
import { RenewalDone } from './console-receipt.js';
import { type CounterCard, type CounterQuote, type CounterRenewal, localName, yuanToCents } from './hall-api.js';
import { useStaff } from './staff-session.js';

const DOCUMENTS = ['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other'] as const;
type DocumentType = (typeof DOCUMENTS)[number];

/** `onRenewed`: a renewal was recorded (the shift's tally changed). */
export function CounterRenewalPanel({ ticket, onRenewed }: { ticket: string | undefined; onRenewed(): void }) {
  const { t } = useTranslation();
  const [found, setFound] = useState<CounterCard>();
  const [done, setDone] = useState<CounterRenewal>();
  const renewed = (renewal: CounterRenewal) => {
    setDone(renewal);
    onRenewed();
  };
  const reset = () => {
    setFound(undefined);
    setDone(undefined);
  };
  return (
    <section className="panel console-renewal" aria-labelledby="renewal-heading">
      <h2 id="renewal-heading">{t('hall.renew.heading')}</h2>
      {done ? (
        <RenewalDone renewal={done} onNext={reset} />
      ) : found ? (
        <RenewalForm found={found} ticket={ticket} onDone={renewed} onCancel={reset} />
      ) : (
        <FindCard onFound={setFound} />
      )}
    </section>
  );
}

function FindCard({ onFound }: { onFound(card: CounterCard): void }) {
  const { t } = useTranslation();
  const { csrf } = useStaff();
  const [msisdn, setMsisdn] = useState('');
  const [iccid, setIccid] = useState('');
  const [error, setError] = useState<string>();
  async function find(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    const serial = normaliseIccid(iccid);
    const number = normaliseMsisdn(msisdn);
    try {
      onFound(await call(api.POST('/v1/console/cards/find', { headers: csrf, body: number ? { msisdn: number, iccid: serial } : { iccid: serial } })));
    } catch (failure) {
      setError(failure instanceof ApiError && failure.code === 'invalid_request' ? t('check.iccidLength') : explain(failure, t));
    }
  }
  return (
    <form onSubmit={find} aria-label={t('hall.renew.findHeading')}>
      <h3>{t('hall.renew.findHeading')}</h3>
      <TextField
        label={t('hall.renew.iccid')}
        hint={t('hall.renew.iccidHint')}
        inputMode="numeric"
        autoComplete="off"
        value={iccid}
        onChange={(e) => setIccid(e.target.value)}
      />
      <TextField label={t('hall.renew.msisdn')} type="tel" autoComplete="off" value={msisdn} onChange={(e) => setMsisdn(e.target.value)} />
      <Alert message={error} />
      <button type="submit" disabled={!iccid.trim()}>
        {t('hall.renew.find')}
      </button>
    </form>
  );
}

function RenewalForm({
  found,
  ticket,
  onDone,
  onCancel,
}: {
  found: CounterCard;
  ticket: string | undefined;
  onDone(renewal: CounterRenewal): void;
  onCancel(): void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const { csrf } = useStaff();
  const ids = { doc: useId(), plans: useId(), pay: useId() };
  const card = found.card;
  const proof = { msisdn: card.msisdn, iccid: card.iccid };
  const [plan, setPlan] = useState(found.plans[0]?.code ?? '');
  const [couponInput, setCouponInput] = useState('');
  const [coupon, setCoupon] = useState<string>();
  const [quote, setQuote] = useState<CounterQuote>();
  const [quoteError, setQuoteError] = useState<string>();
  const [documentType, setDocumentType] = useState<DocumentType>('resident_id');
  const [last4, setLast4] = useState('');
  const [method, setMethod] = useState<'cash' | 'pos'>('cash');
  const [tendered, setTendered] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // One key per attempt: a double click or a retry after a lost answer sends the same key,
  // so the server renews once; a changed attempt (a refusal, new inputs) gets a new one.
  const attempt = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (!plan) return;
    let current = true;
    setQuoteError(undefined);
    const body = { msisdn: card.msisdn, iccid: card.iccid, plan, ...(coupon ? { coupon } : {}) };
    call(api.POST('/v1/console/quotes', { headers: csrf, body })).then(
      (q) => current && setQuote(q),
      (failure: unknown) => {
        if (!current) return;
        setQuote(undefined);
        setQuoteError(explain(failure, t));
      },
    );
    return () => {
      current = false;
    };
  }, [plan, coupon, t, csrf, card.msisdn, card.iccid]);

  const cash = yuanToCents(tendered);
  const change = quote && cash !== undefined ? cash - quote.total : undefined;
  const paymentReady = method === 'cash' ? change !== undefined && change >= 0 : /^[A-Za-z0-9-]{1,64}$/.test(reference.trim());
  const ready = card.renewable && quote !== undefined && /^[0-9A-Za-z]{4}$/.test(last4) && paymentReady;

  async function renew(event: FormEvent) {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(undefined);
    const key = attempt.current ?? idempotencyKey();
    attempt.current = key;
    try {
      const payment = method === 'cash' ? { method, tendered: cash ?? 0 } : { method, reference: reference.trim() };
      const body = { ...proof, plan, ...(coupon ? { coupon } : {}), ...(ticket ? { ticket } : {}), idCheck: { documentType, last4 }, payment };
      const renewal = await call(api.POST('/v1/console/renewals', { headers: csrf, params: { header: { 'idempotency-key': key } }, body }));
      attempt.current = undefined;
      onDone(renewal);
    } catch (failure) {
      // A lost answer is retried with the same key; a refusal ends this attempt.
      if (!(failure instanceof ApiError && failure.code === 'network')) attempt.current = undefined;
      setError(explain(failure, t));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={renew} noValidate>
      <dl className="facts">
        <dt>{t('hall.renew.card')}</dt>
        <dd>
          {card.msisdn} · {t(`status.${card.status}`, { defaultValue: card.status })}
        </dd>
        <dt>{t('hall.renew.validUntil')}</dt>
        <dd>
          {date(card.validUntil, lang)} ({t('hall.renew.daysLeft', { count: card.daysLeft })})
        </dd>
      </dl>
      {!card.renewable && <p className="alert">{t('hall.renew.notRenewable')}</p>}

      <fieldset className="console-fieldset">
        <legend>{t('hall.renew.idCheck')}</legend>
        <div className="field">
          <label htmlFor={ids.doc}>{t('hall.renew.documentType')}</label>
          <select id={ids.doc} value={documentType} onChange={(e) => setDocumentType(e.target.value as DocumentType)}>
            {DOCUMENTS.map((d) => (
              <option key={d} value={d}>
                {t(`hall.renew.documents.${d}`)}
              </option>
            ))}
          </select>
        </div>
        <TextField
          label={t('hall.renew.last4')}
          hint={t('hall.renew.last4Hint')}
          maxLength={4}
          autoComplete="off"
          value={last4}
          onChange={(e) => setLast4(e.target.value.replace(/[^0-9A-Za-z]/g, '').toUpperCase())}
        />
      </fieldset>

      <fieldset className="plans">
        <legend id={ids.plans}>{t('hall.renew.plan')}</legend>
        {found.plans.map((p) => (
          <label key={p.code} className={`plan${p.code === plan ? ' chosen' : ''}`}>
            <input type="radio" name="counter-plan" value={p.code} checked={p.code === plan} onChange={() => setPlan(p.code)} />
            <span className="plan-name">{localName(p.name, lang)}</span>
            <span className="plan-price">{money(p.price, p.currency, lang)}</span>
            <span className="plan-date">{t('card.newExpiry', { date: date(p.validUntilAfter, lang) })}</span>
          </label>
        ))}
      </fieldset>
      <div className="coupon">
        <TextField label={t('hall.renew.coupon')} autoComplete="off" value={couponInput} onChange={(e) => setCouponInput(e.target.value)} />
        <button type="button" onClick={() => setCoupon(couponInput.trim() || undefined)}>
          {t('card.apply')}
        </button>
      </div>
      <Alert message={quoteError} />
      {quote && (
        <dl className="breakdown" aria-label={t('hall.renew.quote')}>
          <div>
            <dt>{t('hall.renew.listPrice')}</dt>
            <dd>{money(quote.listPrice, quote.currency, lang)}</dd>
          </div>
          {quote.discounts.map((d) => (
            <div key={d.promotion} className="discount">
              <dt>
                {t('hall.renew.discount')} {d.code ?? ''}
              </dt>
              <dd>−{money(d.amount, quote.currency, lang)}</dd>
            </div>
          ))}
          <div>
            <dt>{t('hall.renew.validAfter')}</dt>
            <dd>{date(quote.validUntilAfter, lang)}</dd>
          </div>
          <div className="total">
            <dt>{t('hall.renew.total')}</dt>
            <dd>{money(quote.total, quote.currency, lang)}</dd>
          </div>
        </dl>
      )}

      <fieldset className="console-fieldset">
        <legend id={ids.pay}>{t('hall.renew.payment')}</legend>
        <div className="console-methods" role="radiogroup" aria-labelledby={ids.pay}>
          {(['cash', 'pos'] as const).map((m) => (
            <label key={m} className="check">
              <input type="radio" name="counter-method" value={m} checked={method === m} onChange={() => setMethod(m)} />
              {t(`hall.renew.${m}`)}
            </label>
          ))}
        </div>
        {method === 'cash' ? (
          <>
            <TextField
              label={t('hall.renew.tendered')}
              inputMode="decimal"
              autoComplete="off"
              value={tendered}
              problem={change !== undefined && change < 0 ? t('hall.renew.short') : undefined}
              onChange={(e) => setTendered(e.target.value)}
            />
            <p className="console-change" role="status">
              {t('hall.renew.changeDue')}: <strong>{change !== undefined && change >= 0 && quote ? money(change, quote.currency, lang) : '—'}</strong>
            </p>
          </>
        ) : (
          <TextField label={t('hall.renew.reference')} autoComplete="off" value={reference} onChange={(e) => setReference(e.target.value)} />
        )}
      </fieldset>
      <Alert message={error} />
      <div className="console-actions">
        <button type="submit" className="primary" disabled={!ready || busy}>
          {busy ? t('hall.renew.working') : t('hall.renew.submit', { amount: quote ? money(quote.total, quote.currency, lang) : '' })}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('common.back')}
        </button>
      </div>
    </form>
  );
}
