/**
 * The web app's API types are generated from the OpenAPI document (`npm run api:types`).
 * This fails when a route changed and the types were not regenerated, so the pages cannot
 * drift from the API.
 */
import fs from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { migrate, openDatabase } from '../../src/db/database.js';
import { createServices } from '../../src/services.js';

it('web/src/api-schema.d.ts matches the OpenAPI document of the server', async () => {
  const db = openDatabase('sqlite://:memory:');
  await migrate(db);
  // As `simkeep openapi` builds it: the whole API, the demo's sandbox provider included.
  const app = await buildApp(await createServices(db, loadConfig({}, { demo: true })), { web: false });
  await app.ready();
  // The document as `simkeep openapi` prints it, through JSON like the CLI's file.
  const document = JSON.parse(JSON.stringify(app.swagger()));
  await app.close();
  await db.close();
  const generated = astToString(await openapiTS(document));
  const committed = fs.readFileSync('web/src/api-schema.d.ts', 'utf8');
  const body = (text: string) => text.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '').trim();
  expect(body(committed), 'run `npm run api:types` and commit web/src/api-schema.d.ts').toBe(body(generated));
});
