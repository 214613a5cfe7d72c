/**
 * Schemas shared by routes: they validate requests and are the OpenAPI text at `/docs`.
 */
import { Type } from 'typebox';
import { E164_PATTERN } from '../shared/msisdn.js';

export const Msisdn = Type.String({ pattern: E164_PATTERN, description: 'E.164 with the leading +', examples: ['+8613800138000'] });
export const IccidProof = Type.String({
  pattern: '^([0-9]{6}|89[0-9]{17,18})$',
  description: 'The SIM serial (ICCID, 19–20 digits starting 89) or its last 6 digits',
  examples: ['89860012345678901234', '901234'],
});
export const LocalDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'Local calendar date of the operator', examples: ['2027-01-31'] });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217', examples: ['CNY'] });
export const Channel = Type.Union([Type.Literal('online'), Type.Literal('counter')]);
export const Money = Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Minor units (fen, cents)' });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ examples: ['card_not_found'] }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { description: 'Error' },
);

/** Error answers for the statuses a route can give, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
}

export const IdempotencyKeyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Required: makes retries safe (24 h).' })),
});
