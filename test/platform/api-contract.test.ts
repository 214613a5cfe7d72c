/**
 * docs/api-contract.md against the server: every route the contract names (`METHOD /path`
 * in backticks) is in the OpenAPI document, every `/v1` route of the document is named in
 * the contract, and its error table gives each error code the status the server answers
 * with. So the written contract cannot promise a route that is gone, nor leave a new one
 * out.
 */
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { migrate, openDatabase } from '../../src/db/database.js';
import { createServices } from '../../src/services.js';
import { errorCatalogue } from '../../src/shared/errors.js';

const CONTRACT = 'docs/api-contract.md';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const contract = fs.readFileSync(CONTRACT, 'utf8');
let documented: string[] = [];

beforeAll(async () => {
  const db = openDatabase('sqlite://:memory:');
  await migrate(db);
  // The sandbox provider's routes are part of the contract (the demo has them on).
  const app = await buildApp(await createServices(db, loadConfig({}, { demo: true })), { web: false });
  await app.ready();
  const document = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  documented = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
  await app.close();
  await db.close();
});

/** The routes the contract names, as `METHOD /path`. */
function namedRoutes(): Set<string> {
  const named = new Set<string>();
  for (const match of contract.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^\s`?]*)/g)) named.add(`${match[1]} ${match[2]}`);
  return named;
}

/** Code → status from the contract's error table (its rows start with a status). */
function tabledErrors(): Map<string, number> {
  const codes = new Map<string, number>();
  for (const row of contract.matchAll(/^\| (\d{3}) \| (.*) \|$/gm)) {
    for (const code of row[2]!.matchAll(/`([a-z]+(?:_[a-z]+)*)`/g)) codes.set(code[1]!, Number(row[1]));
  }
  return codes;
}

describe(CONTRACT, () => {
  it('names only routes the OpenAPI document has', () => {
    const missing = [...namedRoutes()].filter((route) => !documented.includes(route));
    expect(missing, `${CONTRACT} names routes the server does not have`).toEqual([]);
  });

  it('names every /v1 route of the OpenAPI document', () => {
    const named = namedRoutes();
    const unnamed = documented.filter((route) => route.split(' ')[1]!.startsWith('/v1/') && !named.has(route));
    expect(documented.length).toBeGreaterThan(50);
    expect(unnamed, `add these routes to ${CONTRACT}`).toEqual([]);
  });

  it('gives every error code the status the server answers with', () => {
    const expected = Object.fromEntries(
      Object.entries(errorCatalogue)
        .map(([code, entry]) => [code, entry.status])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    const tabled = Object.fromEntries([...tabledErrors()].sort(([a], [b]) => a.localeCompare(b)));
    expect(tabled).toEqual(expected);
  });
});
