/**
 * Liveness (`/healthz`: the process is up) and readiness (`/readyz`: the database answers
 * and has every migration this version knows). A database restored from an older backup,
 * or migrated down, answers but would fail this version's queries: not ready.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type Db, pendingMigrations, ping } from '../../db/database.js';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../db/unavailable.js';
import { sendError } from '../../http/errors.js';
import { errors } from '../../http/schemas.js';

/** Seconds a probe is asked to wait while the migrations are missing: someone has to run them. */
export const BEHIND_RETRY_AFTER_SECONDS = 30;

export interface HealthRoutesOptions {
  db: Db;
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, services) => {
  app.get(
    '/healthz',
    {
      schema: { tags: ['platform'], summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['platform'],
        summary: 'The database is reachable and migrated',
        description:
          '`503 database_unavailable` while the database does not answer; `503 database_behind` (with the names of the migrations missing in `details.pending`) while it lacks migrations this version knows.',
        response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), ...errors(503) },
      },
    },
    async (request, reply) => {
      let pending: string[];
      try {
        await ping(services.db);
        pending = await pendingMigrations(services.db);
      } catch (error) {
        request.log.warn({ err: error }, 'database not reachable');
        reply.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
        return sendError(request, reply, 'database_unavailable');
      }
      if (pending.length > 0) {
        request.log.warn({ pending }, 'database behind this version: migrations not applied');
        reply.header('Retry-After', String(BEHIND_RETRY_AFTER_SECONDS));
        return sendError(request, reply, 'database_behind', { details: { pending } });
      }
      return { status: 'ready' as const, database: services.db.dialect };
    },
  );
};
