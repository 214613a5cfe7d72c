/**
 * The CJK font for receipts: Noto Sans SC, shipped by an npm package and read once per
 * process. It is resolved through the module system, not a path relative to this file, so
 * it is found the same way from src/ (tsx, vitest) and from the compiled dist/.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// Each file is resolved by a literal specifier, so dependency checkers (knip) see the package as used.
const FONT_FILES = {
  regular: () => require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
  bold: () => require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
} as const;

export type ReceiptFontWeight = keyof typeof FONT_FILES;

export function receiptFontPath(weight: ReceiptFontWeight): string {
  return FONT_FILES[weight]();
}

// Each file is ~10 MB: keep the bytes, never re-read them per receipt.
const loaded = new Map<ReceiptFontWeight, Promise<Buffer>>();

export function loadReceiptFont(weight: ReceiptFontWeight): Promise<Buffer> {
  const cached = loaded.get(weight);
  if (cached) return cached;
  const font = readFile(receiptFontPath(weight));
  loaded.set(weight, font);
  // A failed read (say, a half-installed package) must not stay cached: the next receipt retries.
  font.catch(() => loaded.delete(weight));
  return font;
}
