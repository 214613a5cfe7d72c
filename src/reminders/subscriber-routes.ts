/** The subscriber's reminder routes: renewal links, the calendar feed, contact preferences. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../app.js';

export const subscriberReminderRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (_app, { services: _services }) => {};
