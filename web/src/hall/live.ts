/**
 * The hall's live feed: the board's Server-Sent Events stream (GET
 * /v1/halls/{hall}/board/events). EventSource reconnects by itself (the server asks for
 * 1 s); `connected` lets a page say when it is not live.
 */
import { useEffect, useRef, useState } from 'react';
import type { Board, BoardCall } from './hall-api.js';

export function useBoardStream(hallId: string | undefined, handlers: { onBoard?(board: Board): void; onCall?(call: BoardCall): void }): boolean {
  const [connected, setConnected] = useState(false);
  // The latest handlers, so the stream is not reopened on every render.
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (!hallId) return;
    const source = new EventSource(`/v1/halls/${encodeURIComponent(hallId)}/board/events`);
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('board', (event) => {
      setConnected(true);
      latest.current.onBoard?.(JSON.parse((event as MessageEvent<string>).data) as Board);
    });
    source.addEventListener('call', (event) => latest.current.onCall?.(JSON.parse((event as MessageEvent<string>).data) as BoardCall));
    return () => source.close();
  }, [hallId]);
  return connected;
}
