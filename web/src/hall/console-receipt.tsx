/** After a counter renewal: change due, the receipt PDF to print, and an invoice request. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert, TextField } from '../field.js';
import { date, money } from '../format.js';
import type { Lang } from '../i18n.js';
import type { CounterRenewal, Invoice } from './hall-api.js';
import { useStaff } from './staff-session.js';

export function RenewalDone({ renewal, onNext }: { renewal: CounterRenewal; onNext(): void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  return (
    <div className="result ok" role="status">
      <h3>{t('hall.renew.done')}</h3>
      <dl className="facts">
        <dt>{t('hall.renew.order')}</dt>
        <dd>{renewal.order}</dd>
        <dt>{t('hall.renew.total')}</dt>
        <dd>{money(renewal.total, renewal.currency, lang)}</dd>
        {renewal.payment.change !== null && (
          <>
            <dt>{t('hall.renew.changeDue')}</dt>
            <dd className="console-change-due">{money(renewal.payment.change, renewal.currency, lang)}</dd>
          </>
        )}
        {renewal.validUntilAfter && (
          <>
            <dt>{t('hall.renew.validAfter')}</dt>
            <dd>{date(renewal.validUntilAfter, lang)}</dd>
          </>
        )}
      </dl>
      <p className="links">
        <a className="button" href={renewal.receiptPdfUrl} download={`${renewal.order}.pdf`}>
          {t('hall.renew.receipt')}
        </a>
      </p>
      <InvoiceRequest order={renewal.order} />
      <VoidRequest order={renewal.order} />
      <button type="button" className="primary" onClick={onNext}>
        {t('hall.renew.another')}
      </button>
    </div>
  );
}

function InvoiceRequest({ order }: { order: string }) {
  const { t } = useTranslation();
  const { csrf } = useStaff();
  const [title, setTitle] = useState('');
  const [taxId, setTaxId] = useState('');
  const [email, setEmail] = useState('');
  const [invoice, setInvoice] = useState<Invoice>();
  const [error, setError] = useState<string>();
  async function request(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      const body = { title: title.trim(), email: email.trim(), ...(taxId.trim() ? { taxId: taxId.trim().toUpperCase() } : {}) };
      setInvoice(await call(api.POST('/v1/console/orders/{order}/invoice', { params: { path: { order } }, headers: csrf, body })));
    } catch (failure) {
      setError(explain(failure, t));
    }
  }
  if (invoice)
    return (
      <p className="links">
        {t('hall.renew.invoiceDone')}{' '}
        <a className="button" href={invoice.pdfUrl} download={`${invoice.id}.pdf`}>
          {t('hall.renew.invoicePdf')}
        </a>
      </p>
    );
  return (
    <details className="console-invoice">
      <summary>{t('hall.renew.invoiceHeading')}</summary>
      <form onSubmit={request}>
        <TextField label={t('hall.renew.invoiceTitle')} autoComplete="organization" value={title} onChange={(e) => setTitle(e.target.value)} />
        <TextField label={t('hall.renew.taxId')} autoComplete="off" value={taxId} onChange={(e) => setTaxId(e.target.value)} />
        <TextField label={t('hall.renew.email')} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        <Alert message={error} />
        <button type="submit" disabled={!title.trim() || !email.trim()}>
          {t('hall.renew.requestInvoice')}
        </button>
      </form>
    </details>
  );
}

/** Asking for the renewal to be voided (a supervisor other than the requester carries it out). */
function VoidRequest({ order }: { order: string }) {
  const { t } = useTranslation();
  const { csrf } = useStaff();
  const [reason, setReason] = useState('');
  const [requested, setRequested] = useState(false);
  const [error, setError] = useState<string>();
  async function request(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      await call(api.POST('/v1/console/renewals/{order}/void', { params: { path: { order } }, headers: csrf, body: { reason: reason.trim() } }));
      setRequested(true);
    } catch (failure) {
      setError(explain(failure, t));
    }
  }
  if (requested) return <p>{t('hall.renew.voidRequested')}</p>;
  return (
    <details className="console-invoice">
      <summary>{t('hall.renew.voidHeading')}</summary>
      <form onSubmit={request}>
        <TextField label={t('hall.renew.voidReason')} autoComplete="off" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        <Alert message={error} />
        <button type="submit" disabled={!reason.trim()}>
          {t('hall.renew.requestVoid')}
        </button>
      </form>
    </details>
  );
}
