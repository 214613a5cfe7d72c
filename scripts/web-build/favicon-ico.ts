/**
 * Writes web/public/favicon.ico: the SIM card of favicon.svg drawn at 32 × 32, as a PNG
 * inside an ICO, for the browsers and tools that ask for /favicon.ico whatever the page
 * links. Run once when the icon changes: `npx tsx scripts/web-build/favicon-ico.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const SIZE = 32;
const BLUE = [0x0b, 0x5c, 0xad, 255];
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

/** The same shapes as favicon.svg: a rounded blue square, a white card with a cut corner, a blue chip. */
function colourAt(x: number, y: number): number[] {
  const r = 7;
  const cx = Math.min(Math.max(x + 0.5, r), SIZE - r);
  const cy = Math.min(Math.max(y + 0.5, r), SIZE - r);
  if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r) return CLEAR;
  const inCard = x >= 11 && x < 22 && y >= 7 && y < 25 && !(x - 18 > y - 7);
  const inChip = x >= 14 && x < 19 && y >= 15 && y < 21;
  return inCard && !inChip ? WHITE : BLUE;
}

const png = new PNG({ width: SIZE, height: SIZE });
for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) png.data.set(colourAt(x, y), (y * SIZE + x) * 4);
const image = PNG.sync.write(png);

// ICONDIR (6 bytes) + one ICONDIRENTRY (16 bytes), then the PNG.
const header = Buffer.alloc(22);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2); // icon
header.writeUInt16LE(1, 4); // one image
header.writeUInt8(SIZE, 6);
header.writeUInt8(SIZE, 7);
header.writeUInt16LE(1, 10); // colour planes
header.writeUInt16LE(32, 12); // bits per pixel
header.writeUInt32LE(image.length, 14);
header.writeUInt32LE(22, 18);

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/public/favicon.ico');
fs.writeFileSync(target, Buffer.concat([header, image]));
console.log(`${path.relative(process.cwd(), target)}: ${header.length + image.length} bytes`);
