/**
 * Supervisor statistics: tickets, no-shows, waiting and service times (median, p90) per
 * service, counter, clerk and day. The range starts at the hall's today, in its time zone;
 * an operator admin picks the hall.
 */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { Alert, TextField } from '../field.js';
import { date } from '../format.js';
import type { Lang } from '../i18n.js';
import { StaffHallPage } from './console.js';
import { type HallStats, localName, type StaffHall } from './hall-api.js';
import { hallToday } from './hall-day.js';
import { RequireStaff } from './staff-session.js';

export function StatsPage() {
  return (
    <RequireStaff>
      <Stats />
    </RequireStaff>
  );
}

function Stats() {
  const { t } = useTranslation();
  return <StaffHallPage heading={t('hall.stats.heading')} body={(hall) => <HallStatsView hall={hall} />} />;
}

function HallStatsView({ hall }: { hall: StaffHall }) {
  const { t, i18n } = useTranslation();
  const [today] = useState(() => hallToday(hall.timeZone, new Date()));
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [stats, setStats] = useState<HallStats>();
  const [error, setError] = useState<string>();
  async function show(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      setStats(await call(api.GET('/v1/console/halls/{hall}/stats', { params: { path: { hall: hall.id }, query: { from, to } } })));
    } catch (failure) {
      setError(explain(failure, t));
    }
  }
  const lang = i18n.language as Lang;
  // The figures are keyed by codes, usernames and ISO days: each row shows its name instead.
  const named = (rows: Record<string, HallStats['overall']>, name: (key: string) => string) =>
    Object.fromEntries(Object.entries(rows).map(([key, f]) => [name(key), f]));
  const groups = stats
    ? ([
        ['overall', { [t('hall.stats.overall')]: stats.overall }],
        ['byService', named(stats.byService, (code) => (stats.names.services[code] ? localName(stats.names.services[code], lang) : code))],
        ['byCounter', named(stats.byCounter, (name) => t('hall.counter', { name }))],
        ['byClerk', named(stats.byClerk, (username) => stats.names.clerks[username] ?? username)],
        ['byDay', named(stats.byDay, (day) => date(day, lang))],
      ] as const)
    : [];
  return (
    <>
      <form className="stats-range" onSubmit={show}>
        <TextField label={t('hall.stats.from')} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <TextField label={t('hall.stats.to')} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        <button type="submit">{t('hall.stats.show')}</button>
      </form>
      <p className="muted small">{t('hall.stats.zoneHint', { zone: hall.timeZone, today: date(today, i18n.language as Lang) })}</p>
      <Alert message={error} />
      {groups.map(([key, rows]) => (
        <FiguresTable key={key} caption={t(`hall.stats.${key}`)} rows={rows} />
      ))}
    </>
  );
}

function FiguresTable({ caption, rows }: { caption: string; rows: Record<string, HallStats['overall']> }) {
  const { t } = useTranslation();
  const minutes = (seconds: number | null) => (seconds === null ? '—' : t('hall.stats.minutes', { value: (seconds / 60).toFixed(1) }));
  const captionId = useId();
  const entries = Object.entries(rows);
  // Scrolls sideways on a phone rather than squeezing the headings a character a line.
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region takes the focus so the keyboard can scroll it.
    <section className="stats-scroll" tabIndex={0} aria-labelledby={captionId}>
      <table className="stats">
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" />
            {(['tickets', 'served', 'noShows', 'waitMedian', 'waitP90', 'serviceMedian', 'serviceP90'] as const).map((k) => (
              <th key={k} scope="col">
                {t(`hall.stats.${k}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && (
            <tr>
              <td colSpan={8} className="stats-none">
                {t('hall.stats.none')}
              </td>
            </tr>
          )}
          {entries.map(([name, f]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{f.tickets}</td>
              <td>{f.served}</td>
              <td>{f.noShows}</td>
              <td>{minutes(f.waitSeconds.median)}</td>
              <td>{minutes(f.waitSeconds.p90)}</td>
              <td>{minutes(f.serviceSeconds.median)}</td>
              <td>{minutes(f.serviceSeconds.p90)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
