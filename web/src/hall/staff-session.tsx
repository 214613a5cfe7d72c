/**
 * The signed-in staff member for the console pages: who they are, their halls and the CSRF
 * token every state-changing staff request sends in X-CSRF-Token. Without a session the
 * pages send the browser to /staff/login.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { ApiError, api, call } from '../api.js';
import type { Me } from './hall-api.js';

interface StaffSession {
  me: Me;
  /** Headers of a state-changing staff request. */
  csrf: { 'X-CSRF-Token': string };
  signOut(): Promise<void>;
}

const StaffContext = createContext<StaffSession | undefined>(undefined);

export function useStaff(): StaffSession {
  const session = useContext(StaffContext);
  if (!session) throw new Error('useStaff outside <RequireStaff>');
  return session;
}

export function RequireStaff({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [me, setMe] = useState<Me>();
  useEffect(() => {
    call(api.GET('/v1/staff/me')).then(setMe, (error: unknown) => {
      if (error instanceof ApiError && error.code !== 'network') navigate('/staff/login', { replace: true });
    });
  }, [navigate]);
  const signOut = useCallback(async () => {
    if (me) await api.POST('/v1/staff/logout', { headers: { 'X-CSRF-Token': me.csrfToken } });
    navigate('/staff/login');
  }, [me, navigate]);
  const session = useMemo(() => me && { me, csrf: { 'X-CSRF-Token': me.csrfToken }, signOut }, [me, signOut]);
  if (!session) return <p className="muted">{t('common.loading')}</p>;
  return <StaffContext.Provider value={session}>{children}</StaffContext.Provider>;
}
