/**
 * The monitoring group's one guard: `/metrics` on the HTTP port answers only to the bearer
 * token SIMKEEP_METRICS_TOKEN names (compared in constant time), and is not there at all
 * (`404`) while no token is set, so a deployment's numbers are never public by default.
 * The metrics listener of SIMKEEP_METRICS_PORT (app.ts) takes no token: who can reach its
 * address may read it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../shared/errors.js';

export const METRICS_SECURITY: Record<string, string[]>[] = [{ metricsToken: [] }];

const digest = (text: string) => createHash('sha256').update(text).digest();

export function requireMetricsToken(app: FastifyInstance, token: string | undefined): void {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    if (expected === undefined) {
      throw new DomainError('not_found', { 'zh-CN': '未开启监控指标：请设置 SIMKEEP_METRICS_TOKEN。', en: 'Metrics are off here: set SIMKEEP_METRICS_TOKEN.' });
    }
    // Hashed first, so the comparison takes the same time whatever the length sent.
    if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
      reply.header('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new DomainError('unauthorized', {
        'zh-CN': '请提供监控令牌（SIMKEEP_METRICS_TOKEN）。',
        en: 'Send the metrics token (SIMKEEP_METRICS_TOKEN) as a bearer token.',
      });
    }
  });
}
