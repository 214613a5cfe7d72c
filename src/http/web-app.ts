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

/** dist/web next to the compiled server, or beside the sources when run with tsx. */
export function webRoot(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

const API_PREFIXES = ['/v1/', '/docs', '/r/', '/pay/', '/healthz', '/readyz', '/fonts/', '/page-assets/'];

export function isAppPage(method: string, url: string, accept: string | undefined): boolean {
  return method === 'GET' && (accept ?? '').includes('text/html') && !API_PREFIXES.some((prefix) => url.startsWith(prefix));
}

const YEAR_IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The web app's CJK subset (built by Vite as assets/simkeep-cjk-<weight>-<hash>.woff2) under
 * a name that does not change with its content, for the server-rendered pages: they are not
 * built by Vite and cannot know the hash. Without a web build there is none (404).
 */
function subsetFontFiles(root: string | undefined): Map<string, string> {
  const files = new Map<string, string>();
  const assets = root ? path.join(root, 'assets') : undefined;
  if (!assets || !fs.existsSync(assets)) return files;
  for (const name of fs.readdirSync(assets)) {
    const match = /^(simkeep-cjk-(?:400|700))-[\w-]+\.woff2$/.exec(name);
    if (match) files.set(`${match[1]}.woff2`, path.join(assets, name));
  }
  return files;
}

/** The CJK subset for the server-rendered pages (checkout, receipt verification), see src/http/html.ts. */
export async function fontRoutes(app: FastifyInstance, root = webRoot()): Promise<void> {
  const files = subsetFontFiles(root);
  app.get<{ Params: { file: string } }>('/fonts/:file', { schema: { hide: true } }, async (request, reply) => {
    const file = files.get(request.params.file);
    if (!file) return reply.callNotFound();
    // A stable name whose content changes with the app's texts: cached a day, not for ever.
    return reply.type('font/woff2').header('cache-control', 'public, max-age=86400').send(fs.createReadStream(file));
  });
}

/**
 * The built app. Text files are sent as their brotli or gzip twin written at build
 * (scripts/web-build/precompress.ts) when the browser accepts it; hashed files under
 * /assets/ never change and are cached for a year, everything else (index.html, the
 * favicon) is revalidated so a deploy is seen at once. Source maps are not in this folder.
 */
export async function webRoutes(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    preCompressed: true,
    // Our own header below; send's would come after a raw header and win (max-age=0).
    cacheControl: false,
    setHeaders: (reply, file) => {
      reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? YEAR_IMMUTABLE : 'no-cache');
    },
  });
}
