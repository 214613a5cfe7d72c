/** Supervisor statistics: tickets, no-shows, waiting and service times (median, p90) per service, counter, clerk and day. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { explain } from '../errors.js';
import { TextField } from '../field.js';
import { StaffBar } from './console.js';
import type { HallStats } from './hall-api.js';
import { RequireStaff, useStaff } from './staff-session.js';

export function StatsPage() {
  return (
    <RequireStaff>
      <Stats />
    </RequireStaff>
  );
}

const today = () => new Date().toISOString().slice(0, 10);

function Stats() {
  const { t } = useTranslation();
  const { me } = useStaff();
  const hall = me.halls[0];
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [stats, setStats] = useState<HallStats>();
  const [error, setError] = useState<string>();
  async function show(event: FormEvent) {
    event.preventDefault();
    if (!hall) return;
    setError(undefined);
    try {
      setStats(await call(api.GET('/v1/console/halls/{hall}/stats', { params: { path: { hall: hall.id }, query: { from, to } } })));
    } catch (failure) {
      setError(explain(failure, t));
    }
  }
  const groups = stats
    ? ([
        ['overall', { [t('hall.stats.overall')]: stats.overall }],
        ['byService', stats.byService],
        ['byCounter', stats.byCounter],
        ['byClerk', stats.byClerk],
        ['byDay', stats.byDay],
      ] as const)
    : [];
  return (
    <div className="console">
      <StaffBar hall={hall} />
      <main className="console-main">
        <h1>{t('hall.stats.heading')}</h1>
        <form className="stats-range" onSubmit={show}>
          <TextField label={t('hall.stats.from')} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          <TextField label={t('hall.stats.to')} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          <button type="submit">{t('hall.stats.show')}</button>
        </form>
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
        {groups.map(([key, rows]) => (
          <FiguresTable key={key} caption={t(`hall.stats.${key}`)} rows={rows} />
        ))}
      </main>
    </div>
  );
}

function FiguresTable({ caption, rows }: { caption: string; rows: Record<string, HallStats['overall']> }) {
  const { t } = useTranslation();
  const minutes = (seconds: number | null) => (seconds === null ? '—' : t('hall.stats.minutes', { value: (seconds / 60).toFixed(1) }));
  return (
    <table className="stats">
      <caption>{caption}</caption>
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
        {Object.entries(rows).map(([name, f]) => (
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
  );
}
