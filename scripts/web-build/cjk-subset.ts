/// <reference path="./subset-font.d.ts" />
/**
 * The web app's fallback CJK font: Noto Sans SC (the receipts' font) cut down, at build time,
 * to the Chinese characters the app's own texts use, as WOFF2 in two weights. Phones and
 * desktops with Chinese fonts never fetch it (system fonts come first in the stack and the
 * faces carry a CJK unicode-range); a browser without any gets real glyphs — bold too —
 * for a few hundred KB instead of two 10 MB TrueType files.
 *
 * The files go to a cache folder that styles.css reaches through the `@simkeep-cjk` alias,
 * so Vite hashes them into /assets/ like any other asset. Only harfbuzz (wasm), no network.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import subsetFont from 'subset-font';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** The faces, by CSS weight, from the same package the PDF receipts embed. */
const FACES = {
  400: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  700: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

/** CJK ideographs, CJK punctuation and full-width forms: what the subset is for (the same ranges as the faces' unicode-range). */
const CJK = /[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/gu;

/**
 * Where the texts are: the web app, and the server — its pages (checkout, receipt
 * verification, provider pages), the names it builds and its error messages, which the
 * pages show.
 */
export const TEXT_SOURCES = ['web/src', 'web/index.html', 'src'];

function filesUnder(entry: string): string[] {
  if (!fs.existsSync(entry)) return [];
  if (fs.statSync(entry).isFile()) return [entry];
  return fs.readdirSync(entry, { withFileTypes: true }).flatMap((item) => {
    const full = path.join(entry, item.name);
    if (item.isDirectory()) return filesUnder(full);
    return /\.(tsx?|css|html)$/.test(item.name) && !item.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every CJK character of the sources, sorted, once each. */
export function cjkCharacters(root: string, sources = TEXT_SOURCES): string {
  const found = new Set<string>();
  for (const file of sources.flatMap((source) => filesUnder(path.join(root, source)))) {
    for (const char of fs.readFileSync(file, 'utf8').match(CJK) ?? []) found.add(char);
  }
  return [...found].sort().join('');
}

/** Writes simkeep-cjk-400.woff2 and simkeep-cjk-700.woff2 into `outDir`, skipping the work when the characters have not changed. */
export async function writeCjkSubset(root: string, outDir: string): Promise<{ characters: number; bytes: Record<string, number> }> {
  const text = cjkCharacters(root);
  const key = createHash('sha256').update(text).update(JSON.stringify(FACES)).digest('hex');
  const stamp = path.join(outDir, 'characters.sha256');
  fs.mkdirSync(outDir, { recursive: true });
  const fresh = fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === key;
  const bytes: Record<string, number> = {};
  for (const [weight, source] of Object.entries(FACES)) {
    const file = path.join(outDir, `simkeep-cjk-${weight}.woff2`);
    if (!fresh || !fs.existsSync(file)) {
      const subset = await subsetFont(fs.readFileSync(require.resolve(source)), text, { targetFormat: 'woff2' });
      fs.writeFileSync(file, subset);
    }
    bytes[weight] = fs.statSync(file).size;
  }
  fs.writeFileSync(stamp, key);
  return { characters: [...text].length, bytes };
}

/** Builds the subset before Vite reads styles.css (at build and in the dev server alike). */
export function cjkSubset(root: string, outDir: string): Plugin {
  return {
    name: 'simkeep-cjk-subset',
    async buildStart() {
      const { characters, bytes } = await writeCjkSubset(root, outDir);
      this.info(`CJK subset: ${characters} characters, ${bytes[400]} B regular, ${bytes[700]} B bold`);
    },
  };
}
