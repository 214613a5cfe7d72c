/**
 * Which hall the console and the statistics page show. A clerk or supervisor works in one
 * hall; an operator admin runs every hall of the operator and picks one, remembered in this
 * browser like the counter.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffHall } from './hall-api.js';
import { useStaff } from './staff-session.js';

const HALL_KEY = 'simkeep.hall';

/** The hall picked in this browser (the first one otherwise), and how to pick another. */
export function usePickedHall(): { hall: StaffHall | undefined; pickHall(id: string): void } {
  const { me } = useStaff();
  const [picked, setPicked] = useState(() => localStorage.getItem(HALL_KEY));
  const pickHall = (id: string) => {
    localStorage.setItem(HALL_KEY, id);
    setPicked(id);
  };
  return { hall: me.halls.find((h) => h.id === picked) ?? me.halls[0], pickHall };
}

/** The hall picker: shown only to staff with more than one hall. */
export function HallPick({ hall, onPick }: { hall: StaffHall | undefined; onPick(id: string): void }) {
  const { t } = useTranslation();
  const { me } = useStaff();
  const id = useId();
  if (me.halls.length < 2) return null;
  return (
    <div className="console-pick field">
      <label htmlFor={id}>{t('hall.console.hallPick')}</label>
      <select id={id} value={hall?.id ?? ''} onChange={(e) => onPick(e.target.value)}>
        {me.halls.map((h) => (
          <option key={h.id} value={h.id}>
            {h.name}
          </option>
        ))}
      </select>
    </div>
  );
}
