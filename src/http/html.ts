/** Small helpers for the few server-rendered pages (checkout, receipt verification). */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function formatMoney(minor: number, currency: string): string {
  return `${currency} ${(minor / 100).toFixed(2)}`;
}

/**
 * A complete, self-contained page: no third-party resources, readable on a phone. Its text
 * uses the system's fonts; a device without CJK fonts gets the web app's subset, which holds
 * these pages' characters too (the font stack is explained in web/src/styles.css).
 */
export function page(title: string, body: string, accent = '#0b5cad', lang: 'zh-CN' | 'en' = 'zh-CN'): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
@font-face{font-family:"simkeep CJK";src:local("PingFang SC Regular"),local("PingFangSC-Regular"),local("Microsoft YaHei"),local("MicrosoftYaHei"),local("Noto Sans CJK SC"),local("NotoSansCJKsc-Regular"),local("Source Han Sans SC Regular"),local("SourceHanSansSC-Regular"),url("/fonts/simkeep-cjk-400.woff2") format("woff2");font-weight:400;font-display:swap;unicode-range:U+2E80-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF}
@font-face{font-family:"simkeep CJK";src:local("PingFang SC Semibold"),local("PingFangSC-Semibold"),local("Microsoft YaHei Bold"),local("MicrosoftYaHei-Bold"),local("Noto Sans CJK SC Bold"),local("NotoSansCJKsc-Bold"),local("Source Han Sans SC Bold"),local("SourceHanSansSC-Bold"),url("/fonts/simkeep-cjk-700.woff2") format("woff2");font-weight:700;font-display:swap;unicode-range:U+2E80-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF}
body{font-family:"simkeep CJK",system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:0;background:#f4f6f8;color:#1a1a1a}
main{max-width:32rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.3rem;margin:0 0 1rem;color:${escapeHtml(accent)}}
dl{display:grid;grid-template-columns:auto 1fr;align-items:baseline;gap:.4rem 1rem;margin:0}
dt{color:#555}dd{margin:0;font-weight:600;overflow-wrap:anywhere;min-width:0}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
button{font:inherit;flex:1;font-size:1rem;padding:.8rem;border-radius:8px;border:0;cursor:pointer}
.pay{background:#0a7a3d;color:#fff}.fail{background:#b3261e;color:#fff}
.ok{color:#0a7a3d}.bad{color:#b3261e}
a{color:${escapeHtml(accent)}}
@media (max-width:26rem){dl{grid-template-columns:1fr;gap:.1rem}dd{margin-bottom:.5rem}}
</style></head><body><main><div class="card">${body}</div></main></body></html>`;
}
