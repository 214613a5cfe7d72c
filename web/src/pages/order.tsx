/**
 * The result page the checkout returns to: follows the order live until it settles. A
 * failed payment says so and offers to pay again; an order gone to refund says what
 * happens next; a fulfilled one shows the new expiry, the receipt and the calendar entry.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError, api, call, type Order } from '../api.js';
import { explain } from '../errors.js';
import { date, money } from '../format.js';
import type { Lang } from '../i18n.js';

const POLL_MS = 1500;
const SETTLED = new Set(['fulfilled', 'refund_pending', 'refunded', 'expired', 'cancelled']);

export function OrderPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const [order, setOrder] = useState<Order>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      try {
        const current = await call(api.GET('/v1/orders/{id}', { params: { path: { id } } }));
        if (stopped) return;
        setOrder(current);
        setError(undefined);
        if (SETTLED.has(current.status) && (current.status !== 'fulfilled' || current.receipt)) return;
      } catch (failure) {
        if (stopped) return;
        setError(explain(failure, t));
        if (failure instanceof ApiError && failure.code === 'order_not_found') return;
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, t]);

  if (!order)
    return (
      <section className="panel">
        {error ? (
          <p className="alert" role="alert">
            {error}
          </p>
        ) : (
          <p>{t('common.loading')}</p>
        )}
      </section>
    );

  return (
    <section className="panel" aria-live="polite">
      <h1>
        {t('order.heading')} <span className="muted small">{order.id}</span>
      </h1>
      <dl className="facts">
        <dt>{t('card.number')}</dt>
        <dd>{order.msisdn}</dd>
        <dt>{t('order.plan')}</dt>
        <dd>{order.planName ? (lang === 'en' ? order.planName.en : order.planName['zh-CN']) : order.plan}</dd>
        <dt>{t('order.amount')}</dt>
        <dd>{money(order.total, order.currency, lang)}</dd>
      </dl>
      <Outcome order={order} lang={lang} />
    </section>
  );
}

function Outcome({ order, lang }: { order: Order; lang: Lang }) {
  const { t } = useTranslation();
  const again = (
    <Link href="/card" className="button">
      {t('order.again')}
    </Link>
  );
  switch (order.status) {
    case 'fulfilled':
      return (
        <div className="result ok" role="status">
          <h2>{t('order.fulfilled')} ✓</h2>
          <p>
            {t('order.newExpiry')} <strong className="big">{order.validUntilAfter ? date(order.validUntilAfter, lang) : ''}</strong>
          </p>
          {order.receipt ? (
            <>
              <p>
                {t('order.receipt')}: <strong>{order.receipt.number}</strong>
              </p>
              <p className="links">
                <a className="button" href={order.receipt.pdfUrl} download={`${order.receipt.number}.pdf`}>
                  {t('order.downloadPdf')}
                </a>
                <a className="button" href={`/v1/orders/${order.id}/calendar.ics`} download="renewal.ics" title={t('order.calendarHint')}>
                  {t('order.calendar')}
                </a>
                <a href={`${order.receipt.verifyUrl}&lang=${lang}`}>{t('order.verify')}</a>
              </p>
            </>
          ) : (
            <p>{t('common.loading')}</p>
          )}
        </div>
      );
    case 'refund_pending':
      return <p className="result warn">{t('order.refundPending')}</p>;
    case 'refunded':
      return <p className="result">{t('order.refunded')}</p>;
    case 'expired':
      return (
        <div className="result warn">
          <p>{t('order.expired')}</p>
          {again}
        </div>
      );
    case 'cancelled':
      return (
        <div className="result">
          <p>{t('order.cancelled')}</p>
          {again}
        </div>
      );
    default:
      if (order.payment?.status === 'failed' && order.payment.checkoutUrl) {
        return (
          <div className="result bad">
            <p role="alert">{t('order.failed')}</p>
            <a className="button primary" href={`${order.payment.checkoutUrl}?return=${encodeURIComponent(`/orders/${order.id}`)}`}>
              {t('order.retry')}
            </a>
          </div>
        );
      }
      return <p className="result">{t('order.pending')}</p>;
  }
}
