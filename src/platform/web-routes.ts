/**
 * Serves the subscriber web app (dist/web, built by Vite) at `/`. A browser asking for a
 * page of the app (`/card`, `/orders/…`, `/renew/…`) gets index.html, and the app routes
 * it; anything under the API's prefixes keeps its JSON 404.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { type ReceiptFontWeight, receiptFontPath } from '../receipts/fonts.js';

/** dist/web next to the compiled server, or beside the sources when run with tsx. */
export function webRoot(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

const API_PREFIXES = ['/v1/', '/docs', '/r/', '/pay/', '/healthz', '/readyz', '/fonts/'];

/** The CJK font the receipts embed, also offered to browsers that have none (see styles.css). */
const FONTS: Record<string, ReceiptFontWeight> = { 'noto-sans-sc-400.ttf': 'regular', 'noto-sans-sc-700.ttf': 'bold' };

export function isAppPage(method: string, url: string, accept: string | undefined): boolean {
  return method === 'GET' && (accept ?? '').includes('text/html') && !API_PREFIXES.some((prefix) => url.startsWith(prefix));
}

/** The CJK font, for the web app and the server-rendered pages alike (checkout, receipt verification). */
export async function fontRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { file: string } }>('/fonts/:file', { schema: { hide: true } }, async (request, reply) => {
    const weight = FONTS[request.params.file];
    if (!weight) return reply.callNotFound();
    return reply
      .type('font/ttf')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(fs.createReadStream(receiptFontPath(weight)));
  });
}

export async function webRoutes(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    // Hashed assets never change; index.html must be revalidated so a deploy is seen at once.
    setHeaders: (res, file) =>
      res.raw.setHeader('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
}
