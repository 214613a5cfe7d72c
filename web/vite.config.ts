/**
 * The subscriber web app: built to static files in dist/web, which the simkeep server
 * serves at `/`. In development (`npm run web:dev`) Vite proxies the API to a running
 * `simkeep serve` on port 3000.
 *
 * The build also cuts the fallback CJK font down to the app's own characters
 * (scripts/web-build/cjk-subset.ts), writes brotli and gzip twins of the text files, and
 * moves the source maps out of the served folder to dist/sourcemaps
 * (scripts/web-build/precompress.ts).
 */
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { cjkSubset } from '../scripts/web-build/cjk-subset.js';
import { precompress } from '../scripts/web-build/precompress.js';

const api = 'http://127.0.0.1:3000';
const repo = path.resolve(import.meta.dirname, '..');
const outDir = path.join(repo, 'dist/web');
const subsetDir = path.join(repo, 'node_modules/.cache/simkeep-cjk');

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), cjkSubset(repo, subsetDir), precompress(outDir, path.join(repo, 'dist/sourcemaps'))],
  resolve: { alias: { '@simkeep-cjk': subsetDir } },
  // 'hidden': maps are written (for reading a stack trace) but not referenced by the scripts.
  build: { outDir, emptyOutDir: true, sourcemap: 'hidden' },
  server: { proxy: { '/v1': api, '/r/': api, '/pay/': api } },
});
