/**
 * Card: status in words and colour with what it means, validity, the packages with the
 * date each gives, a coupon that re-quotes at once, the price breakdown, and paying.
 */

import type { TFunction } from 'i18next';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, call, idempotencyKey, type Lookup, type Quote } from '../api.js';
import { useBrand } from '../brand.js';
import { explain } from '../errors.js';
import { Alert } from '../field.js';
import { date, localName, money } from '../format.js';
import type { Lang } from '../i18n.js';
import { forgetCard, rememberedCard } from '../session.js';

type Plan = Lookup['plans'][number];

export function CardPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const [, navigate] = useLocation();
  const proof = rememberedCard();
  const [found, setFound] = useState<Lookup | undefined>(() => (history.state as Lookup | null) ?? undefined);
  const [error, setError] = useState<string>();
  const { setBrand, storefront } = useBrand();

  useEffect(() => {
    if (!proof) return navigate('/', { replace: true });
    if (found) return;
    call(api.POST('/v1/cards/lookup', { body: proof }))
      .then((lookup) => {
        setFound(lookup);
        setBrand({ name: lookup.card.operatorName, color: lookup.card.brandColor });
      })
      .catch((failure) => setError(explain(failure, t)));
  }, [found, proof, navigate, setBrand, t]);

  if (error) return <Failure message={error} />;
  if (!found || !proof) return <p className="panel">{t('common.loading')}</p>;
  const { card } = found;
  const tone = card.expiringSoon ? 'expiring' : card.status;

  return (
    <>
      <section className={`panel status status-${tone}`} aria-labelledby="card-heading">
        <h1 id="card-heading" className="number">
          <span className="label">{t('card.number')}</span> {card.msisdn}
        </h1>
        <p className="badge">{t(`status.${tone}`)}</p>
        <p>{t(`status.${tone}Meaning`)}</p>
        <dl className="facts">
          <dt>{t('card.validUntil')}</dt>
          <dd>
            <strong>{date(card.validUntil, lang)}</strong>
            <span className="muted"> · {daysLeft(card.daysLeft, t)}</span>
          </dd>
        </dl>
        <p>
          <Link
            href="/"
            onClick={() => {
              forgetCard();
            }}
          >
            {t('card.change')}
          </Link>
        </p>
      </section>
      {card.renewable && found.plans.length > 0 && (
        // The card's operator decides how one pays (its enabled providers); an answer from
        // an older server has no list, and then the deployment's default applies.
        <Renewal lookup={found} proof={proof} methods={found.paymentMethods ?? storefront?.paymentMethods ?? []} />
      )}
    </>
  );
}

function daysLeft(days: number, t: TFunction): string {
  if (days > 0) return t('card.daysLeft', { count: days });
  if (days === 0) return t('card.lastDay');
  return t('card.expiredDays', { count: -days });
}

function Renewal({ lookup, proof, methods }: { lookup: Lookup; proof: { msisdn: string; iccid: string }; methods: string[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const [plan, setPlan] = useState<Plan>(lookup.plans[0] as Plan);
  const [couponInput, setCouponInput] = useState('');
  const [coupon, setCoupon] = useState<string>();
  const [quote, setQuote] = useState<Quote>();
  const [quoteError, setQuoteError] = useState<string>();
  const [couponError, setCouponError] = useState<string>();
  const [method, setMethod] = useState(methods[0] ?? '');
  const [paying, setPaying] = useState(false);
  const [payError, setPayError] = useState<string>();
  const ids = { coupon: useId(), couponProblem: useId(), packages: useId(), methods: useId(), breakdown: useId() };

  useEffect(() => {
    if (!method && methods[0]) setMethod(methods[0]);
  }, [method, methods]);

  useEffect(() => {
    let current = true;
    setQuoteError(undefined);
    call(api.POST('/v1/quotes', { body: { ...proof, plan: plan.code, ...(coupon ? { coupon } : {}) } }))
      .then((q) => current && setQuote(q))
      .catch((failure) => {
        if (!current) return;
        // A refused coupon says why, and the price is quoted again without it.
        if (coupon) {
          setCouponError(explain(failure, t));
          setCoupon(undefined);
        } else {
          setQuoteError(explain(failure, t));
        }
      });
    return () => {
      current = false;
    };
  }, [plan, coupon, proof, t]);

  function applyCoupon(event: FormEvent) {
    event.preventDefault();
    const code = couponInput.trim();
    setCouponError(undefined);
    setCoupon(code === '' ? undefined : code);
  }

  async function pay() {
    setPaying(true);
    setPayError(undefined);
    try {
      const order = await call(
        api.POST('/v1/orders', {
          body: { ...proof, plan: plan.code, payment: method, ...(coupon ? { coupon } : {}) },
          params: { header: { 'idempotency-key': idempotencyKey() } },
        }),
      );
      const back = encodeURIComponent(`/orders/${order.id}`);
      window.location.assign(order.payment?.checkoutUrl ? `${order.payment.checkoutUrl}?return=${back}` : `/orders/${order.id}`);
    } catch (failure) {
      setPayError(explain(failure, t));
      setPaying(false);
    }
  }

  const currency = plan.currency;
  return (
    <section className="panel" aria-labelledby={ids.packages}>
      <h2 id={ids.packages}>{t('card.packages')}</h2>
      <div className="plans" role="radiogroup" aria-labelledby={ids.packages}>
        {lookup.plans.map((p) => (
          <label key={p.code} className={`plan${p.code === plan.code ? ' chosen' : ''}`}>
            <input type="radio" name="plan" value={p.code} checked={p.code === plan.code} onChange={() => setPlan(p)} />
            <span className="plan-name">{lang === 'en' ? p.names.en : p.names['zh-CN']}</span>
            {p.offer && p.offer.price < p.price ? (
              // The price the card pays now, then the list price struck through, and the promotion's name.
              <>
                <span className="plan-price">
                  {money(p.offer.price, p.currency, lang)}{' '}
                  <s className="plan-list-price">
                    <span className="visually-hidden">{t('card.listPrice')} </span>
                    {money(p.price, p.currency, lang)}
                  </s>
                </span>
                {p.offer.promotion && <span className="plan-promotion">{localName(p.offer.promotion.name, lang)}</span>}
              </>
            ) : (
              <span className="plan-price">{money(p.price, p.currency, lang)}</span>
            )}
            <span className="plan-date">{t('card.newExpiry', { date: date(p.validUntilAfter, lang) })}</span>
          </label>
        ))}
      </div>

      <form className="coupon" onSubmit={applyCoupon}>
        <label htmlFor={ids.coupon}>{t('card.coupon')}</label>
        <div className="row">
          <input
            id={ids.coupon}
            name="coupon"
            autoComplete="off"
            autoCapitalize="characters"
            value={couponInput}
            placeholder={t('card.couponHint')}
            aria-invalid={couponError ? true : undefined}
            aria-describedby={couponError ? ids.couponProblem : undefined}
            onChange={(e) => setCouponInput(e.target.value)}
          />
          <button type="submit">{t('card.apply')}</button>
        </div>
        {couponError && (
          <p id={ids.couponProblem} className="problem" role="alert">
            {couponError}
          </p>
        )}
        {coupon && !couponError && <p className="ok">{coupon.toUpperCase()} ✓</p>}
      </form>
      <Alert message={quoteError} />

      {quote && (
        <p className="caption" id={ids.breakdown}>
          {t('card.breakdown')}
        </p>
      )}
      {quote && (
        <dl className="breakdown" aria-labelledby={ids.breakdown}>
          <div>
            <dt>{t('card.listPrice')}</dt>
            <dd>{money(quote.listPrice, currency, lang)}</dd>
          </div>
          {quote.discounts.map((d) => (
            <div key={d.promotion} className="discount">
              <dt>{d.code ? `${t('card.discount')} (${d.code})` : d.name ? localName(d.name, lang) : t('card.discount')}</dt>
              <dd>−{money(d.amount, currency, lang)}</dd>
            </div>
          ))}
          {quote.bonus && (
            <div className="discount">
              <dt>{quote.bonus.name ? localName(quote.bonus.name, lang) : t('card.bonus')}</dt>
              <dd>{quote.bonus.months ? t('card.bonusMonths', { count: quote.bonus.months }) : t('card.bonusDays', { count: quote.bonus.days ?? 0 })}</dd>
            </div>
          )}
          <div className="total">
            <dt>{t('card.total')}</dt>
            <dd>{money(quote.total, currency, lang)}</dd>
          </div>
          <div>
            <dt>{t('card.validUntil')}</dt>
            <dd>{date(quote.validUntilAfter, lang)}</dd>
          </div>
        </dl>
      )}

      <fieldset className="methods">
        <legend id={ids.methods}>{t('card.payWith')}</legend>
        {methods.map((m) => (
          <label key={m} className="method">
            <input type="radio" name="method" value={m} checked={method === m} onChange={() => setMethod(m)} />
            {t(`methods.${m}`, { defaultValue: m })}
          </label>
        ))}
      </fieldset>
      <Alert message={payError} />
      <button type="button" className="primary" disabled={!quote || !method || paying} onClick={() => void pay()}>
        {quote ? t('card.pay', { amount: money(quote.total, currency, lang) }) : t('common.loading')}
      </button>
    </section>
  );
}

function Failure({ message }: { message: string }) {
  const { t } = useTranslation();
  return (
    <section className="panel">
      <p className="alert" role="alert">
        {message}
      </p>
      <Link href="/">{t('common.back')}</Link>
    </section>
  );
}
