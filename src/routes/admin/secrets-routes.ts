/** Admin routes of the master key: the stored secrets counted per key id, and rotation. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../../http/schemas.js';
import type { SecretsAdmin } from '../../platform/secrets-admin.js';

const KeyId = Type.String({ pattern: '^[0-9a-f]{8}$', description: 'The first 8 hex digits of the SHA-256 of a master key.', examples: ['3f9a1c07'] });
const Keyring = {
  currentKeyId: KeyId,
  openingKeyIds: Type.Array(KeyId, { description: 'The keys of `SIMKEEP_MASTER_KEY_PREVIOUS`, which open but never seal.' }),
};
const Kind = Type.String({ examples: ['payment provider settings', 'transport settings', 'webhook signing secrets', 'generated signing secret'] });
const Status = Type.Object({
  ...Keyring,
  kinds: Type.Array(
    Type.Object({
      kind: Kind,
      byKey: Type.Record(Type.String(), Type.Integer(), { description: 'How many secrets sit under each key id; `clear`: stored before sealing existed.' }),
    }),
  ),
});
const Rotation = Type.Object({
  ...Keyring,
  kinds: Type.Array(
    Type.Object({
      kind: Kind,
      resealed: Type.Integer({ description: 'Rows whose secrets were sealed again under the current key.' }),
      wereInClear: Type.Integer({ description: 'Of those, rows that held a secret in clear.' }),
      current: Type.Integer({ description: 'Rows already under the current key.' }),
      changedMeanwhile: Type.Integer({ description: 'Rows changed by another process while rotating: rotate again.' }),
    }),
  ),
});
const base = { tags: ['secrets'] };

export interface SecretsRoutesOptions {
  secretsAdmin: SecretsAdmin;
}

export const secretsRoutes: FastifyPluginAsyncTypebox<SecretsRoutesOptions> = async (app, { secretsAdmin }) => {
  app.get(
    '/v1/admin/secrets',
    {
      schema: {
        ...base,
        summary: 'How many stored secrets sit under each master key',
        description: 'Never a key or a secret. Only an admin token not limited to one operator (`403 forbidden` otherwise).',
        response: { 200: Status, ...errors(401, 403) },
      },
    },
    (request) => secretsAdmin.status(request.principal),
  );

  app.post(
    '/v1/admin/secrets/rotate',
    {
      schema: {
        ...base,
        summary: 'Seal every stored secret again under the current master key',
        description:
          'As `simkeep secrets rotate`, with this server’s keys: each secret under an older key of `SIMKEEP_MASTER_KEY_PREVIOUS`, or stored in clear, is sealed again under `SIMKEEP_MASTER_KEY`; the tables are then rewritten without the old copies. Idempotent; audited per operator (`secrets.rotated`). `503 secret_unreadable` when a secret is under a key this server lacks. Only an admin token not limited to one operator.',
        response: { 200: Rotation, ...errors(401, 403, 503) },
      },
    },
    (request) => secretsAdmin.rotate(request.principal, request.ip),
  );
};
