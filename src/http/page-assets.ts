/**
 * The stylesheet and the two scripts of the server-rendered pages (html.ts), served as
 * files under /page-assets/ rather than inline, so that one content security policy with
 * `script-src 'self'; style-src 'self'` covers these pages as it does the web app. Their
 * names carry a hash of their content: a page always links the current file, which is
 * cached for a year.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const FONT_SOURCES = {
  400: 'local("PingFang SC Regular"),local("PingFangSC-Regular"),local("Microsoft YaHei"),local("MicrosoftYaHei"),local("Noto Sans CJK SC"),local("NotoSansCJKsc-Regular"),local("Source Han Sans SC Regular"),local("SourceHanSansSC-Regular")',
  700: 'local("PingFang SC Semibold"),local("PingFangSC-Semibold"),local("Microsoft YaHei Bold"),local("MicrosoftYaHei-Bold"),local("Noto Sans CJK SC Bold"),local("NotoSansCJKsc-Bold"),local("Source Han Sans SC Bold"),local("SourceHanSansSC-Bold")',
};
const fontFace = (weight: 400 | 700) =>
  `@font-face{font-family:"simkeep CJK";src:${FONT_SOURCES[weight]},url("/fonts/simkeep-cjk-${weight}.woff2") format("woff2");font-weight:${weight};font-display:swap;unicode-range:U+2E80-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF}`;

const STYLE = `${fontFace(400)}
${fontFace(700)}
body{font-family:"simkeep CJK",system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:0;background:#f4f6f8;color:#1a1a1a;--accent:#0b5cad}
body.theme-wechat{--accent:#07c160}
main{max-width:32rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.3rem;margin:0 0 1rem;color:var(--accent)}
dl{display:grid;grid-template-columns:auto 1fr;align-items:baseline;gap:.4rem 1rem;margin:0}
dt{color:#555}dd{margin:0;font-weight:600;overflow-wrap:anywhere;min-width:0}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
.actions form{flex:1;display:flex}
button{font:inherit;flex:1;font-size:1rem;padding:.8rem;border-radius:8px;border:0;cursor:pointer}
.pay{background:#0a7a3d;color:#fff}.fail{background:#b3261e;color:#fff}
.ok{color:#0a7a3d}.bad{color:#b3261e}
.qr{width:240px;margin:1rem auto}
a{color:var(--accent)}
@media (max-width:26rem){dl{grid-template-columns:1fr;gap:.1rem}dd{margin-bottom:.5rem}}
`;

/** A gateway's signed form (provider-pages.ts): on to the gateway at once; its button is there without scripts. */
const AUTO_SUBMIT = `document.getElementById('checkout').submit();
`;

/**
 * WeChat Pay's QR page: follows the order (`data-order`, its JSON URL) and goes on to
 * `data-return` once it is paid or over.
 */
const FOLLOW_ORDER = `(function () {
  var data = document.currentScript.dataset;
  function poll() {
    fetch(data.order, { headers: { accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (o) {
        if (o.status !== 'pending_payment' || (o.payment && o.payment.status !== 'pending')) { location.assign(data.return); return; }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 4000); });
  }
  poll();
})();
`;

const FILES = {
  style: { stem: 'page', extension: 'css', type: 'text/css; charset=utf-8', content: STYLE },
  autoSubmit: { stem: 'auto-submit', extension: 'js', type: 'text/javascript; charset=utf-8', content: AUTO_SUBMIT },
  followOrder: { stem: 'follow-order', extension: 'js', type: 'text/javascript; charset=utf-8', content: FOLLOW_ORDER },
} as const;

export type PageScript = Exclude<keyof typeof FILES, 'style'>;

const hashed = Object.entries(FILES).map(([key, file]) => {
  const hash = createHash('sha256').update(file.content).digest('hex').slice(0, 10);
  return { key, name: `${file.stem}-${hash}.${file.extension}`, file };
});

/** Each file's URL, for the pages to link. */
export const PAGE_ASSETS = Object.fromEntries(hashed.map(({ key, name }) => [key, `/page-assets/${name}`])) as Record<keyof typeof FILES, string>;

export async function pageAssetRoutes(app: FastifyInstance): Promise<void> {
  const byName = new Map(hashed.map(({ name, file }) => [name, file]));
  app.get<{ Params: { file: string } }>('/page-assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const file = byName.get(request.params.file);
    if (!file) return reply.callNotFound();
    return reply.type(file.type).header('cache-control', 'public, max-age=31536000, immutable').send(file.content);
  });
}
