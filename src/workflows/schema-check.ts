/**
 * JSON Schema checks inside workflow code (decision data, resume data, supplied outputs). Ajv compiles
 * schemas with `new Function`, which the workflow sandbox does not allow; @cfworker/json-schema interprets.
 */
import { Validator } from '@cfworker/json-schema';

export interface SchemaProblem {
  path: string;
  message: string;
}

/** Problems of `value` against `schema` (empty when valid). */
export function checkAgainstSchema(schema: Record<string, unknown>, value: unknown): SchemaProblem[] {
  let result: ReturnType<Validator['validate']>;
  try {
    result = new Validator(schema, '2020-12', false).validate(value);
  } catch (err) {
    // A schema the validator cannot apply (an unresolvable $ref, say) refuses the value, with the reason.
    return [{ path: '', message: `the schema cannot be applied: ${err instanceof Error ? err.message : String(err)}` }];
  }
  if (result.valid) return [];
  // The validator reports each failure and the keywords that led to it; the leaves are the useful ones.
  const leaves = result.errors.filter((e) => !/^(properties|items|allOf|anyOf|oneOf|\$ref)$/.test(e.keyword));
  const chosen = leaves.length > 0 ? leaves : result.errors;
  return chosen.map((e) => ({ path: e.instanceLocation.replace(/^#\/?/, '').replace(/\//g, '.'), message: e.error }));
}
