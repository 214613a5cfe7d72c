/** The shell: the operator's name and colour, the language switch, and the pages. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch } from 'wouter';
import { api, call, type Storefront } from './api.js';
import { type Brand, BrandContext } from './brand.js';
import { BoardPage } from './hall/board.js';
import { ConsolePage } from './hall/console.js';
import { JoinPage } from './hall/join.js';
import { KioskPage } from './hall/kiosk.js';
import { StaffLoginPage } from './hall/staff-login.js';
import { StatsPage } from './hall/stats.js';
import { TicketPage } from './hall/ticket.js';
import { type Lang, setLanguage } from './i18n.js';
import './hall/hall.css';
import './hall/board.css';
import './hall/console.css';
import { AccountPage } from './pages/account.js';
import { CardPage } from './pages/card.js';
import { FindOrderPage } from './pages/find-order.js';
import { HomePage } from './pages/home.js';
import { OrderPage } from './pages/order.js';
import { RenewalLinkPage } from './pages/renewal-link.js';

/** The hall's screens (kiosk, board) and the staff pages (sign-in, console, statistics) have their own layout; every other page has the app's header and footer. */
export function App() {
  return (
    <Switch>
      <Route path="/halls/:hall/kiosk">{(params) => <KioskPage hallId={params.hall} />}</Route>
      <Route path="/halls/:hall/board">{(params) => <BoardPage hallId={params.hall} />}</Route>
      <Route path="/staff/login" component={StaffLoginPage} />
      <Route path="/staff/console" component={ConsolePage} />
      <Route path="/staff/stats" component={StatsPage} />
      <Route>
        <Shell />
      </Route>
    </Switch>
  );
}

function Shell() {
  const { t, i18n } = useTranslation();
  const [storefront, setStorefront] = useState<Storefront>();
  const [brand, setBrand] = useState<Brand>();
  useEffect(() => {
    call(api.GET('/v1/storefront'))
      .then((s) => {
        setStorefront(s);
        if (s.operator) setBrand((current) => current ?? { name: s.operator?.name ?? '', color: s.operator?.brandColor ?? '' });
      })
      .catch(() => setStorefront({ operator: null, paymentMethods: [] }));
  }, []);
  useEffect(() => {
    if (brand?.color) document.documentElement.style.setProperty('--brand', brand.color);
  }, [brand]);
  const other: Lang = i18n.language === 'en' ? 'zh-CN' : 'en';

  return (
    <BrandContext.Provider value={{ brand, setBrand, storefront }}>
      <header className="bar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>{brand?.name ?? t('app.title')}</span>
        </Link>
        <nav className="nav">
          <Link href="/account">{t('account.link')}</Link>
        </nav>
        <button type="button" className="lang" lang={other} title={t('app.languageLabel')} onClick={() => void setLanguage(other)}>
          {t('app.language')}
        </button>
      </header>
      <main>
        <Switch>
          <Route path="/" component={HomePage} />
          <Route path="/card" component={CardPage} />
          <Route path="/orders/:id">{(params) => <OrderPage id={params.id} />}</Route>
          <Route path="/renew/:token">{(params) => <RenewalLinkPage token={params.token} />}</Route>
          <Route path="/find" component={FindOrderPage} />
          <Route path="/account" component={AccountPage} />
          <Route path="/tickets/:token">{(params) => <TicketPage token={params.token} />}</Route>
          <Route path="/halls/:hall/join">{(params) => <JoinPage hallId={params.hall} />}</Route>
          <Route>
            <HomePage />
          </Route>
        </Switch>
      </main>
      <footer className="foot">{t('app.footer')}</footer>
    </BrandContext.Provider>
  );
}
