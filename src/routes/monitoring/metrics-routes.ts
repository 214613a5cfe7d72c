/** `GET /metrics`: the Prometheus text of this process (src/platform/metrics.ts says what it holds). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../../http/schemas.js';
import type { Metrics } from '../../platform/metrics.js';
import { METRICS_SECURITY } from './guard.js';

export interface MetricsRoutesOptions {
  metrics: Metrics;
}

export const metricsRoutes: FastifyPluginAsyncTypebox<MetricsRoutesOptions> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['platform'],
        summary: 'Metrics for Prometheus',
        description:
          'Prometheus text format, for the SIMKEEP_METRICS_TOKEN bearer token (`404` while none is set). Counters are per process (Prometheus sums them over instances); the outbox, dead letter and waiting ticket gauges are read from the database at each scrape. The dashboard is docs/grafana/simkeep.json.',
        security: METRICS_SECURITY,
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text exposition format 0.0.4' }), ...errors(401, 404) },
      },
    },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.exposition()),
  );
};
