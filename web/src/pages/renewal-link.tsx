/** The page a reminder's link opens: the card, already filled in, without typing the serial. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, call } from '../api.js';
import { useBrand } from '../brand.js';
import { explain } from '../errors.js';
import { rememberCard } from '../session.js';

export function RenewalLinkPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const { setBrand } = useBrand();
  const [error, setError] = useState<string>();

  useEffect(() => {
    call(api.GET('/v1/renewal-links/{token}', { params: { path: { token } } }))
      .then(async (link) => {
        const proof = { msisdn: link.msisdn, iccid: link.iccid };
        const found = await call(api.POST('/v1/cards/lookup', { body: proof }));
        rememberCard(proof);
        setBrand({ name: found.card.operatorName, color: found.card.brandColor });
        navigate('/card', { replace: true, state: found });
      })
      .catch((failure) => setError(explain(failure, t)));
  }, [token, navigate, setBrand, t]);

  return (
    <section className="panel">
      {error ? (
        <>
          <p className="alert" role="alert">
            {error}
          </p>
          <Link href="/">{t('common.back')}</Link>
        </>
      ) : (
        <p>{t('common.loading')}</p>
      )}
    </section>
  );
}
