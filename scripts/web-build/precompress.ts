/**
 * After `vite build`: each text file of dist/web gets a brotli (.br) and a gzip (.gz) twin,
 * which @fastify/static sends (`preCompressed`) to browsers that accept them, and the source
 * maps leave the served folder for dist/sourcemaps (kept for debugging, never public).
 * node:zlib only; done once at build so no request pays for compression.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

/** Worth compressing: text. Fonts (WOFF2), images and the like are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|ico|webmanifest)$/;
/** Below this, the headers outweigh what compression saves. */
const MIN_BYTES = 1024;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((item) => {
    const full = path.join(dir, item.name);
    return item.isDirectory() ? filesUnder(full) : [full];
  });
}

export function precompressAndMoveMaps(outDir: string, mapsDir: string): { compressed: number; maps: number } {
  let compressed = 0;
  let maps = 0;
  fs.rmSync(mapsDir, { recursive: true, force: true });
  for (const file of filesUnder(outDir)) {
    if (file.endsWith('.map')) {
      const target = path.join(mapsDir, path.relative(outDir, file));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(file, target);
      maps++;
      continue;
    }
    if (!COMPRESSIBLE.test(file)) continue;
    const body = fs.readFileSync(file);
    if (body.length < MIN_BYTES) continue;
    fs.writeFileSync(
      `${file}.br`,
      zlib.brotliCompressSync(body, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      }),
    );
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
    compressed++;
  }
  return { compressed, maps };
}

export function precompress(outDir: string, mapsDir: string): Plugin {
  return {
    name: 'simkeep-precompress',
    apply: 'build',
    closeBundle: {
      order: 'post',
      handler() {
        const { compressed, maps } = precompressAndMoveMaps(outDir, mapsDir);
        this.info(`precompressed ${compressed} files (br, gz); ${maps} source maps moved to ${mapsDir}`);
      },
    },
  };
}
