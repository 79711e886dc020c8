/**
 * JSON Schema support (workflow `input`, task `output_schema`), on Ajv with ajv-formats.
 *
 * Schemas are JSON Schema 2020-12 unless they declare `"$schema"` as draft-07. Ajv runs in strict
 * mode for keywords, so a typo such as `requried` or an unknown `format` is reported instead of
 * silently ignored. Compiled validators are cached by the schema's JSON text.
 */
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft07, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { LRUCache } from 'lru-cache';
import { appendPath } from './value-path';

/** One reason a value does not match a schema; `path` is `''` for the value itself. */
export interface SchemaViolation {
  path: string;
  message: string;
}

export type SchemaValidationResult = { ok: true } | { ok: false; errors: SchemaViolation[] };

/** A JSON Schema that Ajv refuses; the message is one line. */
export class JsonSchemaError extends Error {
  override readonly name = 'JsonSchemaError';
}

/** Validates values against one compiled schema. */
export type JsonSchemaValidator = (value: unknown) => SchemaValidationResult;

const options: Options = {
  allErrors: true,
  strict: true,
  // Type-level strictness rejects common, valid schemas; keyword typos are what strict mode is for here.
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  // OpenAPI-style annotations that are not JSON Schema keywords but are harmless.
  keywords: ['example'],
};
const ajv2020 = addFormats(new Ajv2020(options));
const ajvDraft07 = addFormats(new AjvDraft07(options));

/** Compiled validators by the schema's JSON text, the 500 most recently used. */
const cache = new LRUCache<string, JsonSchemaValidator>({ max: 500 });

/** Compiles a schema (cached). Throws `JsonSchemaError` when the schema is invalid. */
export function compileJsonSchema(schema: Record<string, unknown>): JsonSchemaValidator {
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit) return hit;

  const validate = compileUncached(schema);
  const validator: JsonSchemaValidator = (value) =>
    validate(value) ? { ok: true } : { ok: false, errors: (validate.errors ?? []).map(toViolation) };
  cache.set(key, validator);
  return validator;
}

/** Validates `value` against `schema`. Throws `JsonSchemaError` when the schema itself is invalid. */
export function validateAgainstSchema(schema: Record<string, unknown>, value: unknown): SchemaValidationResult {
  return compileJsonSchema(schema)(value);
}

function compileUncached(schema: Record<string, unknown>): ValidateFunction {
  const declared = schema.$schema;
  const ajv = typeof declared === 'string' && declared.includes('draft-07') ? ajvDraft07 : ajv2020;
  if (!ajv.validateSchema(schema)) {
    const [first] = ajv.errors ?? [];
    throw new JsonSchemaError(first ? describeSchemaError(first) : 'not a valid JSON Schema');
  }
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new JsonSchemaError(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
  } finally {
    // Ajv keeps every compiled schema (by object and by $id); our cache replaces that, so memory stays bounded.
    ajv.removeSchema(schema);
  }
}

function describeSchemaError(error: ErrorObject): string {
  const at = pointerToPath(error.instancePath);
  return `${at === '' ? 'schema' : at}: ${error.message ?? 'is invalid'}`;
}

function toViolation(error: ErrorObject): SchemaViolation {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { path: appendPath(path, params.missingProperty), message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { path: appendPath(path, params.additionalProperty), message: 'is not allowed' };
  }
  return { path, message: error.message ?? 'is invalid' };
}

/** `/items/0/qty` → `items[0].qty`. Numeric segments are shown as indexes. */
function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = appendPath(path, /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment);
  }
  return path;
}
