/**
 * The display board, for a TV: the tickets being called with their counters (large), the
 * recently called, and the people waiting per service, live from the hall's event stream.
 * Each call chimes and, if chosen, is spoken; both need a click first (browsers allow
 * sound only after a user gesture), hence the toggles.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import type { Lang } from '../i18n.js';
import { chime, speak, unlockAudio } from './announce.js';
import { type Board, type BoardCall, clockTime, localName, waitWords } from './hall-api.js';
import { LangSwitch } from './lang-switch.js';
import { useBoardStream } from './live.js';

export function BoardPage({ hallId }: { hallId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const [board, setBoard] = useState<Board>();
  const [sound, setSound] = useState(false);
  const [speech, setSpeech] = useState(false);
  const [flash, setFlash] = useState<string>();

  useEffect(() => {
    call(api.GET('/v1/halls/{hall}/board', { params: { path: { hall: hallId } } })).then(setBoard, () => {});
  }, [hallId]);
  const live = useBoardStream(hallId, {
    onBoard: setBoard,
    onCall(called: BoardCall) {
      setFlash(called.number);
      if (sound) chime();
      if (speech) speak(t('hall.board.say', { number: spaced(called.number), counter: called.counter }), lang);
    },
  });
  useEffect(() => {
    if (!flash) return;
    const timer = setTimeout(() => setFlash(undefined), 6_000);
    return () => clearTimeout(timer);
  }, [flash]);

  function toggle(which: 'sound' | 'speech') {
    unlockAudio();
    if (which === 'sound') setSound((on) => !on);
    else setSpeech((on) => !on);
  }

  return (
    <div className="board">
      <header className="board-bar">
        <h1>{board?.hall.name}</h1>
        <div className="board-controls">
          {!live && (
            <span className="board-offline" role="status">
              {t('hall.board.offline')}
            </span>
          )}
          <button type="button" className="board-toggle" aria-pressed={sound} onClick={() => toggle('sound')}>
            {t('hall.board.sound')}: {t(sound ? 'hall.board.on' : 'hall.board.off')}
          </button>
          <button type="button" className="board-toggle" aria-pressed={speech} onClick={() => toggle('speech')}>
            {t('hall.board.speech')}: {t(speech ? 'hall.board.on' : 'hall.board.off')}
          </button>
          <LangSwitch className="board-toggle" />
        </div>
      </header>
      <div className="board-grid">
        <section className="board-calling" aria-labelledby="board-calling">
          <h2 id="board-calling">{t('hall.board.calling')}</h2>
          {board && board.calling.length === 0 && <p className="board-none">{t('hall.board.none')}</p>}
          <ul aria-live="polite">
            {board?.calling.map((c) => (
              <li key={c.number} className={c.number === flash ? 'board-call flash' : 'board-call'}>
                <span className="board-number">{c.number}</span>
                <span className="board-arrow" aria-hidden="true">
                  →
                </span>
                <span className="board-counter">{t('hall.counter', { name: c.counter ?? '' })}</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="board-recent" aria-labelledby="board-recent">
          <h2 id="board-recent">{t('hall.board.recent')}</h2>
          <ul>
            {board?.recent.slice(0, 8).map((c) => (
              <li key={`${c.number}-${c.calledAt ?? ''}`}>
                <span className="board-recent-number">{c.number}</span>
                <span>{t('hall.counter', { name: c.counter ?? '' })}</span>
                <span className="board-time">{c.calledAt ? clockTime(c.calledAt, lang) : ''}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section className="board-queue" aria-labelledby="board-queue">
        <h2 id="board-queue">{t('hall.board.queue')}</h2>
        <ul>
          {board?.services.map((s) => (
            <li key={s.code}>
              <span className="board-prefix">{s.ticketPrefix}</span>
              <span className="board-service">{localName(s.name, lang)}</span>
              <span className="board-waiting">{t('hall.waiting', { count: s.waiting })}</span>
              <span className="board-wait">{waitWords(s.estimatedWaitSeconds, t)}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/** "A023" read out letter by letter and digit by digit, as halls announce numbers. */
function spaced(number: string): string {
  return number.split('').join(' ');
}
