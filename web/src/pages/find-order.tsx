/** Find my order: by its id, or by the receipt number with the last 4 digits of the phone number. */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, call } from '../api.js';
import { explain } from '../errors.js';

export function FindOrderPage() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [orderId, setOrderId] = useState('');
  const [receipt, setReceipt] = useState('');
  const [last4, setLast4] = useState('');
  const [error, setError] = useState<string>();
  const ids = { order: useId(), receipt: useId(), last4: useId() };

  function byId(event: FormEvent) {
    event.preventDefault();
    if (orderId.trim()) navigate(`/orders/${encodeURIComponent(orderId.trim())}`);
  }

  async function byReceipt(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      const found = await call(api.POST('/v1/orders/find', { body: { receipt: receipt.trim(), last4 } }));
      navigate(`/orders/${found.id}`);
    } catch (failure) {
      setError(explain(failure, t));
    }
  }

  return (
    <section className="panel">
      <h1>{t('find.heading')}</h1>
      <form onSubmit={byId}>
        <div className="field">
          <label htmlFor={ids.order}>{t('find.byId')}</label>
          <input id={ids.order} value={orderId} autoComplete="off" placeholder="ord_…" onChange={(e) => setOrderId(e.target.value)} />
        </div>
        <button type="submit">{t('find.submit')}</button>
      </form>
      <p className="divider">{t('find.or')}</p>
      <form onSubmit={byReceipt}>
        <div className="field">
          <label htmlFor={ids.receipt}>{t('find.byReceipt')}</label>
          <input id={ids.receipt} value={receipt} autoComplete="off" placeholder="DEMO-2026-000001" onChange={(e) => setReceipt(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.last4}>{t('find.last4')}</label>
          <input
            id={ids.last4}
            value={last4}
            inputMode="numeric"
            maxLength={4}
            pattern="[0-9]{4}"
            autoComplete="off"
            onChange={(e) => setLast4(e.target.value.replace(/\D/g, ''))}
          />
        </div>
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={last4.length !== 4 || !receipt.trim()}>
          {t('find.submit')}
        </button>
      </form>
    </section>
  );
}
