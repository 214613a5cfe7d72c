/** Liveness (`/healthz`: the process is up) and readiness (`/readyz`: the database answers). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type Db, ping } from '../../db/database.js';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../db/unavailable.js';
import { errors } from '../../http/schemas.js';

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
        summary: 'The database is reachable',
        response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), ...errors(503) },
      },
    },
    async (request, reply) => {
      try {
        await ping(services.db);
        return { status: 'ready' as const, database: services.db.dialect };
      } catch (error) {
        request.log.warn({ err: error }, 'database not reachable');
        return reply
          .status(503 as 200)
          .header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
          .send({ error: { code: 'database_unavailable', message: 'The database does not answer.' } } as never);
      }
    },
  );
};
