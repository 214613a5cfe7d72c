/** Small helpers for the few server-rendered pages (checkout, receipt verification). */
import { PAGE_ASSETS, type PageScript } from './page-assets.js';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function formatMoney(minor: number, currency: string): string {
  return `${currency} ${(minor / 100).toFixed(2)}`;
}

/** The look of a page: the provider's colour on its own page (WeChat Pay's green), else ours. */
export type PageTheme = 'default' | 'wechat';

export interface PageOptions {
  lang?: 'zh-CN' | 'en';
  theme?: PageTheme;
  /** One of page-assets.ts's scripts, run once the page's body is in, with these `data-` values. */
  script?: { name: PageScript; data?: Record<string, string> };
}

/**
 * A complete page: no third-party resources, readable on a phone, and nothing inline (its
 * style and script are files of page-assets.ts, so the content security policy needs no
 * `'unsafe-inline'`). Its text uses the system's fonts; a device without CJK fonts gets the
 * web app's subset, which holds these pages' characters too (see web/src/styles.css).
 */
export function page(title: string, body: string, options: PageOptions = {}): string {
  const { lang = 'zh-CN', theme = 'default', script } = options;
  const data = Object.entries(script?.data ?? {})
    .map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`)
    .join('');
  const tag = script ? `<script src="${PAGE_ASSETS[script.name]}"${data}></script>` : '';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${PAGE_ASSETS.style}">
</head><body class="theme-${theme}"><main><div class="card">${body}</div></main>${tag}</body></html>`;
}
