/**
 * Request validation. Bodies are validated strictly (no type coercion, no unknown
 * properties), so `"price": "800"` is a 400, not a silent conversion; query strings and
 * path parameters are text on the wire and are coerced to the declared types. No string
 * anywhere may hold U+0000.
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

/** Where a string holding U+0000 is: PostgreSQL text cannot store it, and no field has a use for it. */
function nulAt(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = nulAt(item, `${path}/${key}`);
      if (at !== undefined) return at;
    }
  }
  return undefined;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const validate = (httpPart === 'body' ? strict : coercing).compile(schema as object);
  return (data: unknown) => {
    if (!validate(data)) return { error: validate.errors ?? [] };
    const at = nulAt(data);
    if (at === undefined) return true;
    return { error: [{ keyword: 'nul', instancePath: at, schemaPath: '#', params: {}, message: 'must not contain the character U+0000' }] };
  };
};
