/**
 * Bulk card import from CSV (`msisdn,iccid,validUntil`, columns in any order). Owns the
 * streaming parse, the header check, per-row validation, duplicate detection within one
 * file, and the batched transactions; registering a batch's cards is `registerCards`' job
 * (a few statements a batch, not a few a row).
 * Importing the same file again changes nothing: every row comes back as skipped.
 */
import { pipeline, Readable } from 'node:stream';
import { CsvError, type Info, parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import type { Operator } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { parseMsisdn } from '../shared/msisdn.js';
import { type NewCard, newCardProblems, registerCards } from './card-service.js';

export interface ImportProblem {
  line: number;
  reason: string;
}

export interface ImportReport {
  /** Data rows read (the header excluded, blank lines ignored). */
  rows: number;
  /** New cards created. */
  imported: number;
  /** Rows identical to a card already in use (same msisdn, iccid, validUntil, operator). */
  skipped: number;
  /** Rows that failed validation; `line` is the 1-based file line (the header is line 1). */
  invalid: ImportProblem[];
  /** Rows clashing with a card in use, or with an earlier row of the same file. */
  conflicts: ImportProblem[];
}

export interface ImportOptions {
  now: Date;
  /** Rows per transaction; default 500, at most 2 000 (each row is a dozen statement parameters). */
  batchSize?: number;
  /** Called after each batch with the number of data rows processed so far. */
  onProgress?: (processedRows: number) => void;
}

const COLUMNS = ['msisdn', 'iccid', 'validUntil'] as const;
type Column = (typeof COLUMNS)[number];
type ColumnIndex = Record<Column, number>;

const HEADER_RULE = `the header must be exactly ${COLUMNS.join(',')} (in any order)`;
const DEFAULT_BATCH_SIZE = 500;
const MAX_BATCH_SIZE = 2000;
/** A batch is retried when another writer takes a number or SIM between check and insert. */
const MAX_BATCH_ATTEMPTS = 3;

interface Candidate {
  line: number;
  card: NewCard;
}

interface BatchResult {
  imported: number;
  skipped: number;
  conflicts: ImportProblem[];
}

export async function importCards(db: Db, operator: Operator, input: NodeJS.ReadableStream | string, options: ImportOptions): Promise<ImportReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new Error(`batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, not ${batchSize}`);
  }
  const report: ImportReport = { rows: 0, imported: 0, skipped: 0, invalid: [], conflicts: [] };
  const seen = new SeenInFile();
  let columns: ColumnIndex | undefined;
  let batch: Candidate[] = [];
  let pending = 0;
  const flush = async () => {
    if (batch.length > 0) addBatch(report, await importBatch(db.kysely, operator, batch, options.now));
    batch = [];
    pending = 0;
    options.onProgress?.(report.rows);
  };
  for await (const { record, line } of csvRecords(input)) {
    if (!columns) {
      columns = headerColumns(record);
      continue;
    }
    report.rows++;
    const candidate = checkRow(record, line, columns, seen, report);
    if (candidate) batch.push(candidate);
    if (++pending >= batchSize) await flush();
  }
  if (!columns) throw new Error(`The CSV file is empty; ${HEADER_RULE}.`);
  if (pending > 0) await flush();
  // Clashes within the file are found on reading, clashes with the database per batch.
  report.conflicts.sort((a, b) => a.line - b.line);
  return report;
}

/** Parsed records with the file line each starts on; a stream is read as it arrives. */
async function* csvRecords(input: NodeJS.ReadableStream | string): AsyncGenerator<{ record: string[]; line: number }> {
  const source = typeof input === 'string' ? Readable.from([input]) : input;
  const parser = parse({ bom: true, info: true, trim: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true });
  // pipeline forwards a source error to the parser, and closes the source if we stop early.
  const records = pipeline(source, parser, () => {}) as AsyncIterable<{ record: string[]; info: Info }>;
  try {
    for await (const { record, info } of records) yield { record, line: startLine(record, info.lines) };
  } catch (error) {
    if (error instanceof CsvError) throw new Error(`The file is not valid CSV: ${error.message}`, { cause: error });
    throw error;
  }
}

/** csv-parse counts the line a record ends on; a quoted field may span several. */
function startLine(record: string[], endLine: number): number {
  let breaks = 0;
  for (const field of record) for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) breaks++;
  return endLine - breaks;
}

function headerColumns(header: string[]): ColumnIndex {
  for (const column of COLUMNS) {
    if (!header.includes(column)) throw new Error(`The CSV header is missing the column "${column}"; ${HEADER_RULE}.`);
  }
  const unknown = header.find((name) => !(COLUMNS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new Error(`The CSV header has an unknown column "${unknown}"; ${HEADER_RULE}.`);
  if (header.length !== COLUMNS.length) throw new Error(`The CSV header repeats a column; ${HEADER_RULE}.`);
  return { msisdn: header.indexOf('msisdn'), iccid: header.indexOf('iccid'), validUntil: header.indexOf('validUntil') };
}

/** The row as a card to register, or undefined when it was reported as invalid or a conflict. */
function checkRow(record: string[], line: number, columns: ColumnIndex, seen: SeenInFile, report: ImportReport): Candidate | undefined {
  const card = readCard(record, columns);
  if (typeof card === 'string') {
    report.invalid.push({ line, reason: card });
    return undefined;
  }
  const clash = seen.clash(parseMsisdn(card.msisdn) ?? card.msisdn, card.iccid, card.validUntil, line);
  if (clash) {
    report.conflicts.push({ line, reason: clash });
    return undefined;
  }
  return { line, card };
}

/** The card the row describes, or why it cannot be one. */
function readCard(record: string[], columns: ColumnIndex): NewCard | string {
  if (record.length !== COLUMNS.length) return `expected ${COLUMNS.length} fields, found ${record.length}`;
  const card: NewCard = { msisdn: record[columns.msisdn] ?? '', iccid: record[columns.iccid] ?? '', validUntil: record[columns.validUntil] ?? '' };
  const problems = newCardProblems(card);
  for (const column of COLUMNS) if (card[column] === '') problems[column] = { 'zh-CN': '缺失', en: 'missing' };
  // The import report is written for the operator's logs, in English as its other lines are.
  const reasons = COLUMNS.filter((column) => problems[column] !== undefined).map((column) => `${column}: ${problems[column]?.en}`);
  return reasons.length > 0 ? reasons.join('; ') : card;
}

/**
 * Numbers and SIM serials already read from this file, with the line that first had them
 * (about 130 bytes a row: a million-row file keeps ~130 MB here, never the rows themselves).
 */
class SeenInFile {
  private readonly byMsisdn = new Map<string, number>();
  private readonly byIccid = new Map<string, number>();
  /** validUntil as YYYYMMDD, by line. */
  private dates = new Int32Array(1024);

  /** Why the row clashes with an earlier one; undefined when it is new or an exact repeat. */
  clash(msisdn: string, iccid: string, validUntil: string, line: number): string | undefined {
    const msisdnLine = this.byMsisdn.get(msisdn);
    const iccidLine = this.byIccid.get(iccid);
    if (msisdnLine === undefined && iccidLine === undefined) {
      this.remember(msisdn, iccid, validUntil, line);
      return undefined;
    }
    // An exact repeat goes to the database, which reports it unchanged (or as the same conflict).
    if (msisdnLine !== undefined && msisdnLine === iccidLine && this.dates[msisdnLine] === dateKey(validUntil)) return undefined;
    if (msisdnLine === undefined) return `iccid: line ${iccidLine} has this SIM serial with another number`;
    const other = msisdnLine === iccidLine ? 'another validUntil' : 'another SIM serial';
    return `msisdn: line ${msisdnLine} has this number with ${other}`;
  }

  private remember(msisdn: string, iccid: string, validUntil: string, line: number): void {
    this.byMsisdn.set(msisdn, line);
    this.byIccid.set(iccid, line);
    if (line >= this.dates.length) {
      const grown = new Int32Array(Math.max(this.dates.length * 2, line + 1));
      grown.set(this.dates);
      this.dates = grown;
    }
    this.dates[line] = dateKey(validUntil);
  }
}

function dateKey(validUntil: string): number {
  return Number(validUntil.replaceAll('-', ''));
}

async function importBatch(kysely: Kysely<Database>, operator: Operator, batch: Candidate[], now: Date): Promise<BatchResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await kysely.transaction().execute((trx) => registerAll(trx, operator, batch, now));
    } catch (error) {
      // The batch rolled back whole; on the retry registerCards sees the other writer's card.
      if (attempt >= MAX_BATCH_ATTEMPTS || !isUniqueViolation(error)) throw error;
    }
  }
}

/** Registers the batch's cards in its transaction; a clash with a card in use is reported by line. */
async function registerAll(trx: Kysely<Database>, operator: Operator, batch: Candidate[], now: Date): Promise<BatchResult> {
  const result: BatchResult = { imported: 0, skipped: 0, conflicts: [] };
  const registrations = await registerCards(
    trx,
    operator,
    batch.map((c) => c.card),
    now,
  );
  registrations.forEach((registration, i) => {
    if (registration.outcome === 'conflict') result.conflicts.push({ line: batch[i]?.line ?? 0, reason: `${registration.field}: ${registration.message}` });
    else if (registration.outcome === 'created') result.imported++;
    else result.skipped++;
  });
  return result;
}

function addBatch(report: ImportReport, result: BatchResult): void {
  report.imported += result.imported;
  report.skipped += result.skipped;
  report.conflicts.push(...result.conflicts);
}
