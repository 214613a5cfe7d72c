/** Find my order: by its id, or by the receipt number with the last 4 digits of the phone number. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert, TextField } from '../field.js';

export function FindOrderPage() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [orderId, setOrderId] = useState('');
  const [receipt, setReceipt] = useState('');
  const [last4, setLast4] = useState('');
  const [error, setError] = useState<string>();

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
        <TextField label={t('find.byId')} value={orderId} autoComplete="off" placeholder="ord_…" onChange={(e) => setOrderId(e.target.value)} />
        <button type="submit">{t('find.submit')}</button>
      </form>
      <p className="divider">{t('find.or')}</p>
      <form onSubmit={byReceipt}>
        <TextField label={t('find.byReceipt')} value={receipt} autoComplete="off" placeholder="DEMO-2026-000001" onChange={(e) => setReceipt(e.target.value)} />
        <TextField
          label={t('find.last4')}
          value={last4}
          inputMode="numeric"
          maxLength={4}
          pattern="[0-9]{4}"
          autoComplete="off"
          onChange={(e) => setLast4(e.target.value.replace(/\D/g, ''))}
        />
        <Alert message={error} />
        <button type="submit" disabled={last4.length !== 4 || !receipt.trim()}>
          {t('find.submit')}
        </button>
      </form>
    </section>
  );
}
