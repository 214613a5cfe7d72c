/**
 * How the built web app is sent (issue #16, item 6, and the fonts of item 5): compressed
 * twins written at build, hashed assets cached for a year, index.html revalidated, no
 * public source map, a favicon, and a small CJK subset instead of two 10 MB TrueType files.
 * Needs dist/web (`npm run build`); no database question here, so SQLite only.
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webRoot } from '../../src/http/web-app.js';
import { type Harness, startHarness } from '../support/harness.js';

describe.skipIf(!webRoot())('the built web app over HTTP', () => {
  let h: Harness;
  let script: string;
  let stylesheet: string;

  beforeAll(async () => {
    h = await startHarness('sqlite');
    const index = (await h.request({ method: 'GET', url: '/' })).raw;
    script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1] ?? '';
    stylesheet = /href="(\/assets\/[^"]+\.css)"/.exec(index)?.[1] ?? '';
    expect(script).not.toBe('');
    expect(stylesheet).not.toBe('');
  });

  afterAll(async () => {
    await h.close();
  });

  it('sends the script as brotli or gzip, whichever the browser accepts, and says it varies on that', async () => {
    const plain = await h.request({ method: 'GET', url: script });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await h.request({ method: 'GET', url: script, headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(br.bytes).equals(plain.bytes)).toBe(true);
    expect(br.bytes.length).toBeLessThan(plain.bytes.length / 3);
    const gzip = await h.request({ method: 'GET', url: script, headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzip.bytes).equals(plain.bytes)).toBe(true);
    const css = await h.request({ method: 'GET', url: stylesheet, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(css.headers['content-encoding']).toBe('br');
  });

  it('caches hashed assets for a year as immutable, and has index.html revalidated', async () => {
    for (const url of [script, stylesheet]) {
      expect((await h.request({ method: 'GET', url, headers: { 'accept-encoding': 'br' } })).headers['cache-control']).toBe(
        'public, max-age=31536000, immutable',
      );
    }
    for (const url of ['/', '/index.html']) expect((await h.request({ method: 'GET', url })).headers['cache-control']).toBe('no-cache');
    // An app page answered with index.html by the not-found handler: revalidated too.
    const page = await h.request({ method: 'GET', url: '/orders/ord_x', headers: { accept: 'text/html' } });
    expect(page.raw).toContain('<div id="root"></div>');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('does not serve the source maps, nor point to them', async () => {
    expect((await h.request({ method: 'GET', url: `${script}.map` })).status).toBe(404);
    expect((await h.request({ method: 'GET', url: `${stylesheet}.map` })).status).toBe(404);
    expect((await h.request({ method: 'GET', url: script })).raw).not.toContain('sourceMappingURL');
  });

  it('has a favicon at /favicon.ico and the SVG one the pages link', async () => {
    const ico = await h.request({ method: 'GET', url: '/favicon.ico' });
    expect(ico.status).toBe(200);
    expect(ico.bytes.subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0])); // an ICO
    const index = (await h.request({ method: 'GET', url: '/' })).raw;
    expect(index).toContain('<link rel="icon" href="/favicon.svg"');
    const svg = await h.request({ method: 'GET', url: '/favicon.svg' });
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it("declares a small WOFF2 CJK subset in two weights, not the receipts' TrueType font", async () => {
    const css = (await h.request({ method: 'GET', url: stylesheet })).raw;
    expect(css).not.toContain('.ttf');
    const faces = [...css.matchAll(/@font-face\{[^}]*\}/g)].map((match) => match[0]);
    const fonts = faces.filter((face) => /font-family:"?simkeep CJK/.test(face));
    expect(fonts.map((face) => /font-weight:(\d+)/.exec(face)?.[1]).sort()).toEqual(['400', '700']);
    for (const face of fonts) {
      expect(face).toMatch(/unicode-range:/);
      // A system CJK font, where there is one, is used instead of the download.
      expect(face).toMatch(/src:local\(/);
      expect(face).toContain('NotoSansCJKsc-');
      const url = /url\(([^)]+\.woff2)\)/.exec(face)?.[1] ?? '';
      const font = await h.request({ method: 'GET', url });
      expect(font.status).toBe(200);
      expect(font.bytes.subarray(0, 4).toString('latin1')).toBe('wOF2');
      expect(font.bytes.length).toBeLessThan(120_000);
      expect(font.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    // Then the system's own fonts, for all that is not CJK and what the subset lacks.
    const stack = /font-family:([^;]*PingFang[^;]*);/.exec(css)?.[1] ?? '';
    expect(stack.split(',').slice(0, 2)).toEqual(['simkeep CJK', 'system-ui']);
    expect(stack).toContain('Noto Sans CJK SC');
  });

  it('offers the same subset to the server-rendered pages under a stable name, and the old TrueType files no more', async () => {
    for (const weight of ['400', '700']) {
      const font = await h.request({ method: 'GET', url: `/fonts/simkeep-cjk-${weight}.woff2` });
      expect(font.status).toBe(200);
      expect(font.headers['content-type']).toBe('font/woff2');
      expect(font.bytes.subarray(0, 4).toString('latin1')).toBe('wOF2');
    }
    expect((await h.request({ method: 'GET', url: '/fonts/noto-sans-sc-400.ttf' })).status).toBe(404);
  });
});
