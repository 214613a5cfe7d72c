/**
 * The subscriber web app: built to static files in dist/web, which the simkeep server
 * serves at `/`. In development (`npm run web:dev`) Vite proxies the API to a running
 * `simkeep serve` on port 3000.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/v1': api, '/r/': api, '/pay/': api } },
});
