/** The terminal side of `simkeep cards import`: a progress bar, then a summary and each bad row. */
import fs from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import type { Operator } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import { importCards } from './card-import.js';

async function countRows(file: string): Promise<number> {
  let newlines = 0;
  let last = 10;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === 10) newlines++;
    last = chunk.at(-1) ?? last;
  }
  return Math.max(0, newlines + (last === 10 ? 0 : 1) - 1);
}

export async function runImport(db: Db, operator: Operator, file: string): Promise<void> {
  const total = await countRows(file);
  const bar = new SingleBar({ format: 'importing {bar} {value}/{total} rows', hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  const report = await importCards(db, operator, fs.createReadStream(file), { now: new Date(), onProgress: (done) => bar.update(done) });
  bar.update(report.rows);
  bar.stop();
  console.log(
    `${report.rows} rows: ${report.imported} imported, ${report.skipped} already there, ${report.invalid.length} invalid, ${report.conflicts.length} conflicting`,
  );
  for (const p of report.invalid) console.log(`  line ${p.line}: invalid: ${p.reason}`);
  for (const p of report.conflicts) console.log(`  line ${p.line}: conflict: ${p.reason}`);
  if (report.invalid.length > 0 || report.conflicts.length > 0) process.exitCode = 2;
}
