/**
 * Who may import what, checked by `npm run check` (dependency-cruiser over src/ and web/src/).
 * Type-only imports count (tsPreCompilationDeps): a cycle through `import type` still ties
 * the modules together for a reader and for a refactoring.
 *
 * The layers: the pure core (rules over plain data), the feature folders' services and
 * repositories, the HTTP edge (src/routes/ by audience, and the schemas and pages), and the composition root
 * (services.ts builds the services, app.ts mounts the routes, server.ts and cli.ts run them).
 */

// The HTTP edge: the route groups of src/routes/ (by audience, each behind its guard) and,
// in a feature folder, the request and response schemas and the HTML pages a route sends.
const HTTP_EDGE = ['^src/routes/', '(-schemas|-pages|checkout-page)\\.ts$'];

// The pure core: plain functions over plain data, no I/O (style.md, "A pure core").
const PURE_CORE = [
  '-rules\\.ts$',
  '^src/shared/',
  '^src/cards/(calendar|lifecycle)\\.ts$',
  '^src/catalog/model\\.ts$',
  '^src/renewal/(pricing|order-view)\\.ts$',
  '^src/receipts/receipt-number\\.ts$',
  '^src/reminders/(schedule|calendar-feed)\\.ts$',
  '^src/notify/(quiet-hours|retry)\\.ts$',
  '^src/hall/(opening-hours|hall-access)\\.ts$',
  '^src/payments/money\\.ts$',
];

// The table types are the domain's vocabulary (a ticket's status): the pure core may name them.
const SCHEMA_TYPES = '^src/db/(schema|hall-schema)\\.ts$';

const FEATURE_FOLDERS = '^src/(accounts|admin|cards|catalog|db|guard|hall|notify|payments|platform|receipts|reminders|renewal|shared|webhooks)/';

// What builds, runs or seeds the whole set of services; everything else gets only what it uses.
const COMPOSITION = ['^src/(app|server|cli|services)\\.ts$', '^src/routes/index\\.ts$', '^src/platform/(jobs|demo-seed|demo-hall-seed)\\.ts$', '-cli\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: break it by moving the shared piece to the side both can import, or by passing a dependency in.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-core-no-io',
      severity: 'error',
      comment: 'The pure core takes plain data and returns plain data: no database, no HTTP, no Fastify, no Kysely.',
      from: { path: PURE_CORE },
      to: {
        path: ['^src/(db|http|platform)/', '^src/(app|services|config)\\.ts$', '^node_modules/(kysely|fastify|@fastify|pg|better-sqlite3)/'],
        pathNot: SCHEMA_TYPES,
      },
    },
    {
      name: 'pure-core-schema-types-only',
      severity: 'error',
      comment: 'The pure core may name the table types, with `import type`, but not take values from the database modules.',
      from: { path: PURE_CORE },
      to: { path: SCHEMA_TYPES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-not-http',
      severity: 'error',
      comment: 'Services, repositories and rules throw domain errors and know nothing of HTTP; only the HTTP edge (routes, schemas, guards, pages) may.',
      from: { path: FEATURE_FOLDERS, pathNot: HTTP_EDGE },
      to: { path: ['^src/http/', '^node_modules/(fastify|@fastify)/'] },
    },
    {
      name: 'nothing-below-the-edge-imports-routes',
      severity: 'error',
      comment: 'A repository or a service never imports a route module: routes call services, not the other way round.',
      from: { path: '^src/', pathNot: ['^src/app\\.ts$', '^src/routes/'] },
      to: { path: '^src/routes/' },
    },
    {
      name: 'only-entry-points-import-the-app',
      severity: 'error',
      comment: 'Only server.ts and cli.ts (and tests) build the app; a module that needs a service is given it.',
      from: { path: '^src/', pathNot: '^src/(server|cli)\\.ts$' },
      to: { path: '^src/app\\.ts$' },
    },
    {
      name: 'services-are-given-not-fetched',
      severity: 'error',
      comment:
        'Route modules and services receive the few services they use (a narrow options type); only the composition root, the CLI, the jobs and the seeds see them all.',
      from: { path: '^src/', pathNot: COMPOSITION },
      to: { path: '^src/services\\.ts$' },
    },
    {
      name: 'web-imports-only-shared',
      severity: 'error',
      comment: 'The web app may share the pure helpers of src/shared, nothing that runs on the server.',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'server-not-web',
      severity: 'error',
      comment: 'The server serves the built web app as files; it does not import its sources.',
      from: { path: '^src/' },
      to: { path: '^web/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // typebox (and others) publish only `exports` with `import`/`default` conditions.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
