/**
 * How the REST fuzz test describes a route: its method, how often it is drawn, its path (valid and
 * broken), the query keys with plausible values, and the body's fields with plausible values.
 */
import fc from 'fast-check';
import type { FuzzRequest } from './fuzz-requests';

/** One route of the API, as the request generator sees it. */
export interface RouteSpec {
  name: string;
  method: fc.Arbitrary<FuzzRequest['method']>;
  /** Relative frequency; commands get more, as they reach the workflow's validators. */
  weight: number;
  /** Paths that name what exists (a live execution, one of its tasks, a definition). */
  path: fc.Arbitrary<string>;
  /** Paths with a broken or foreign parameter. */
  oddPath: fc.Arbitrary<string>;
  /** Query keys and plausible values (no key: the route takes no query). */
  query: Record<string, readonly string[]>;
  /** Body fields, plausible JSON texts per field, and the fields a plausible body always has; no body for routes without one. */
  body?: { fields: readonly string[]; plausible: Record<string, fc.Arbitrary<string>>; required?: readonly string[] };
}

/** A `RouteSpec`; `method` is one method or an arbitrary of them. */
export function route(
  name: string,
  method: FuzzRequest['method'] | fc.Arbitrary<FuzzRequest['method']>,
  weight: number,
  paths: { path: fc.Arbitrary<string>; oddPath: fc.Arbitrary<string> },
  query: Record<string, readonly string[]>,
  body?: RouteSpec['body'],
): RouteSpec {
  return { name, method: typeof method === 'string' ? fc.constant(method) : method, weight, ...paths, query, ...(body ? { body } : {}) };
}
