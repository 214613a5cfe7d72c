/**
 * Browser tests' machinery: the built server (`node dist/cli.js serve --demo`) on a free
 * port with a fresh SQLite database, Chromium driven by playwright-core, and screenshots
 * kept under artifacts/screenshots/<width>/ (artifacts/screenshots/nocjk/<width>/ for a
 * browser launched without Chinese system fonts). Without Chromium the suites are skipped
 * and the run says how to install it; without a build they fail saying to run `npm run build`.
 * Every page of every profile is watched for content security policy violations: a test
 * during which any page reported one fails (see watchContentSecurityPolicy).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterEach, describe, expect } from 'vitest';
import { DEMO_STAFF } from '../../src/platform/demo-hall-seed.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const WEB_INDEX = path.join(ROOT, 'dist/web/index.html');
const SCREENSHOTS = path.join(ROOT, 'artifacts/screenshots');

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(chromiumPath);

if (!hasChromium) {
  console.warn(
    `Browser suites skipped: no Chromium at ${chromiumPath}. Install it with \`apt-get install -y chromium\` (Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium binary.`,
  );
}

/** `describe`, skipped (with the warning above) when there is no Chromium to drive. */
export const describeBrowser = describe.skipIf(!hasChromium);

/** The two widths every page is checked at: a small phone and a desktop window. */
export const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 900 },
] as const;

export type Viewport = (typeof WIDTHS)[number];

export interface DemoServer {
  url: string;
  /** SIMKEEP_DATA_DIR of the server: its outbox files (sms.jsonl) are there. */
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The built server with the demo data, on a free port, its database in a fresh temporary directory. */
export async function startDemoServer(env: Record<string, string> = {}): Promise<DemoServer> {
  for (const file of [CLI, WEB_INDEX]) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` before the browser tests.`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve', '--demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      SIMKEEP_DATA_DIR: dataDir,
      SIMKEEP_PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
      SIMKEEP_LOOKUP_MAX_PER_IP: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(killer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`simkeep serve exited with ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (ready.ok) return { url, dataDir, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`simkeep serve was not ready at ${url}/readyz within 30 s:\n${output}`);
}

/** Font files whose names say they draw Chinese: what a browser "without CJK fonts" must not see. */
const CJK_FONT_FILE = /cjk|sourcehan|source-han|wqy|wenquanyi|arphic|uming|ukai|droidsansfallback|unifont|notosanssc|notoserifsc/i;

function fontDirs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const here = entries.some((entry) => entry.isFile() && /\.(ttf|otf|ttc|pcf|woff2?)(\.gz)?$/i.test(entry.name)) ? [dir] : [];
  return [...here, ...entries.filter((entry) => entry.isDirectory()).flatMap((entry) => fontDirs(path.join(dir, entry.name)))];
}

/** The demo hall's id, as the clerk's session tells it. */
export async function demoHall(server: DemoServer): Promise<string> {
  const [clerk] = DEMO_STAFF;
  if (!clerk) throw new Error('the demo has no staff');
  const response = await fetch(`${server.url}/v1/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: clerk.username, password: clerk.password }),
  });
  const me = (await response.json()) as { halls: { id: string }[] };
  const id = me.halls[0]?.id;
  if (!id) throw new Error('the demo has no hall');
  return id;
}

/**
 * A fontconfig file that lists only the system's font folders holding no Chinese font, so a
 * Chromium started with it draws Chinese only with the web app's own font, as a phone
 * without CJK fonts (or a bare Linux desktop) would. The usual aliases (conf.d) still apply.
 */
export function noCjkFontConfig(): string {
  const folder = path.join(os.tmpdir(), 'simkeep-e2e-nocjk-fonts');
  fs.mkdirSync(path.join(folder, 'cache'), { recursive: true });
  const dirs = fontDirs('/usr/share/fonts').filter((dir) => !fs.readdirSync(dir).some((name) => CJK_FONT_FILE.test(name)));
  const file = path.join(folder, 'fonts.conf');
  fs.writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
${dirs.map((dir) => `  <dir>${dir}</dir>`).join('\n')}
  <cachedir>${path.join(folder, 'cache')}</cachedir>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
</fontconfig>
`,
  );
  return file;
}

/** Chromium; with `cjkFonts: false`, one that sees no Chinese system font (see noCjkFontConfig). */
export function launchBrowser(options: { cjkFonts?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    ...(options.cjkFonts === false ? { env: { ...process.env, FONTCONFIG_FILE: noCjkFontConfig() } } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A fresh browser profile (no stored language, no remembered card, an empty HTTP cache) at
 * the width, in the locale. Tests of one profile share its cache, so the CJK font is
 * downloaded once per profile rather than once per test.
 */
export async function openProfile(browser: Browser, server: DemoServer, viewport: Viewport, locale: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width: viewport.width, height: viewport.height },
    locale,
    acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  await watchContentSecurityPolicy(context);
  return context;
}

/** What the pages of this file's profiles reported since the last test ended. */
const cspViolations: string[] = [];

/**
 * Collects each violation of the server's content security policy any page of the profile
 * reports, two ways: Chromium's console message ("Refused to load…", "Refused to apply
 * inline style…") and the `securitypolicyviolation` event, heard by a script Playwright
 * adds to every document before the page's own (not subject to the policy itself).
 */
async function watchContentSecurityPolicy(context: BrowserContext): Promise<void> {
  await context.exposeBinding('__simkeepCspViolation', ({ page }, report: string) => {
    cspViolations.push(`${page.url()}: ${report}`);
  });
  await context.addInitScript(() => {
    // Typed by hand: the tests' tsconfig has no DOM library.
    interface Violation {
      violatedDirective: string;
      blockedURI: string;
      sourceFile: string;
      lineNumber: number;
    }
    const world = globalThis as unknown as {
      document: { addEventListener(type: string, listener: (event: Violation) => void): void };
      __simkeepCspViolation(report: string): void;
    };
    world.document.addEventListener('securitypolicyviolation', (event) => {
      world.__simkeepCspViolation(`${event.violatedDirective} refused ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${message.page()?.url() ?? '?'}: ${message.text()}`);
  });
}

// Every test of a file that imports this module: no page broke the policy meanwhile.
afterEach(() => {
  const reported = cspViolations.splice(0);
  expect(reported, 'content security policy violations').toEqual([]);
});

export interface Tab {
  page: Page;
  /** Uncaught errors of the app's scripts: a test ends by expecting none. */
  pageErrors: string[];
}

/** A new tab of the profile: its own sessionStorage, so no card is remembered. */
export async function openTab(context: BrowserContext): Promise<Tab> {
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

/** The little of the DOM `shoot` uses (the tests' tsconfig has no DOM library). */
interface DomLike {
  adoptedStyleSheets: { cssRules: { length: number; 0?: { cssText: string } } }[];
  body: { offsetHeight: number };
}

/**
 * A full-page screenshot at artifacts/screenshots/[<folder>/]<width>/<name>.png, once the
 * fonts have loaded and the text is shaped with them.
 */
export async function shoot(page: Page, name: string, folder = ''): Promise<string> {
  await page.evaluate(async () => {
    // Typed by hand: the tests' tsconfig has no DOM library.
    const fonts = (globalThis as unknown as { document: { fonts: { ready: Promise<unknown>; load(font: string, text: string): Promise<unknown> } } }).document
      .fonts;
    // Without a Chinese system font (launchBrowser({ cjkFonts: false })) the app's own subset
    // is fetched on first use: have it in before the picture. With one, this resolves at once.
    await Promise.all([fonts.load('16px "simkeep CJK"', '中文'), fonts.load('bold 16px "simkeep CJK"', '中文')]);
    await fonts.ready;
    // Chromium keeps the boxes of text whose font it looked up before the font arrived,
    // for as long as the text's font description stays the same: change the description
    // of everything (kerning off) once the font is in, and keep it so for this document.
    // A constructed stylesheet, which the page's content security policy allows (a <style>
    // element it would refuse, and the test would fail on the violation).
    const world = globalThis as unknown as { document: DomLike; CSSStyleSheet: new () => { replaceSync(text: string): void } };
    const doc = world.document;
    const reshape = '* { font-kerning: none !important; }';
    if (!doc.adoptedStyleSheets.some((sheet) => sheet.cssRules[0]?.cssText === reshape)) {
      const sheet = new world.CSSStyleSheet();
      sheet.replaceSync(reshape);
      doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet as unknown as DomLike['adoptedStyleSheets'][number]];
    }
    void doc.body.offsetHeight;
  });
  const width = page.viewportSize()?.width ?? 0;
  const file = path.join(SCREENSHOTS, folder, String(width), `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
