/**
 * Staff sign-in: username and password; the session cookie is set by the server. A staff
 * page: its own bar (no subscriber's account link or footer), like the console it opens.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert, TextField } from '../field.js';
import { LangSwitch } from './lang-switch.js';

export function StaffLoginPage() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function signIn(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await call(api.POST('/v1/staff/login', { body: { username: username.trim(), password } }));
      navigate('/staff/console');
    } catch (failure) {
      setError(explain(failure, t));
      setBusy(false);
    }
  }

  return (
    <div className="console staff-login">
      <header className="bar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>{t('app.title')}</span>
        </span>
        <LangSwitch />
      </header>
      <main>
        <section className="panel" aria-labelledby="staff-login">
          <h1 id="staff-login">{t('hall.staff.heading')}</h1>
          <form onSubmit={signIn}>
            <TextField label={t('hall.staff.username')} autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
            <TextField
              label={t('hall.staff.password')}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <Alert message={error} />
            <button type="submit" className="primary" disabled={busy || !username.trim() || !password}>
              {t('hall.staff.signIn')}
            </button>
          </form>
        </section>
      </main>
    </div>
  );
}
