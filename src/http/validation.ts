/**
 * Request validation. Bodies are validated strictly (no type coercion, no unknown
 * properties), so `"price": "800"` is a 400, not a silent conversion; query strings and
 * path parameters are text on the wire and are coerced to the declared types.
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function compiler(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, useDefaults: true, removeAdditional: false, allowUnionTypes: true, strict: false, ...options });
  addFormats.default(ajv);
  return ajv;
}

const strict = compiler({ coerceTypes: false });
const coercing = compiler({ coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strict : coercing;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};
