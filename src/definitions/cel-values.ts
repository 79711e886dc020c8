/**
 * Conversion between JSON values (what crosses Temporal payloads) and the values cel-js computes with.
 *
 * CEL separates `int` from `double`; JSON does not. A JSON number that is a safe integer becomes a CEL
 * `int` (a BigInt), so `input.count + 1` works; any other number is a `double`. On the way back every
 * CEL value is turned into plain JSON: ints become numbers, bytes base64, timestamps ISO-8601 strings,
 * durations protobuf-style strings (`"90s"`).
 *
 * Imported by workflow code: no Node built-ins, nothing non-deterministic.
 */
import { Optional } from '@marcbachmann/cel-js';

/** A plain JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Converts a JSON-like value to the value cel-js expects (integers as BigInt, objects without
 * prototype). With `memo`, an object or array converted before is not converted again: pass one only
 * for values that are never mutated (the workflow's scope, whose task entries are replaced, never
 * changed), so a chain of N tasks converts each output once instead of N times.
 */
export function toCelValue(value: unknown, memo?: WeakMap<object, unknown>): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'object':
      break;
    default:
      // undefined, functions, symbols: JSON has no such values.
      return null;
  }
  if (value === null || value instanceof Uint8Array || value instanceof Date) return value;
  if (memo?.has(value)) return memo.get(value);
  let converted: unknown;
  if (Array.isArray(value)) {
    converted = value.map((item) => toCelValue(item, memo));
  } else {
    // A prototype-less map: a key such as "__proto__" stays an ordinary key.
    const map = Object.create(null) as Record<string, unknown>;
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) map[key] = toCelValue(item, memo);
    }
    converted = map;
  }
  memo?.set(value, converted);
  return converted;
}

/** Converts a cel-js result to plain JSON. Throws when the value has no JSON form (NaN, Infinity, ...). */
export function fromCelValue(value: unknown): JsonValue {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      // Beyond 2^53 this rounds, as any JSON number in JavaScript would.
      return Number(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`result ${String(value)} cannot be represented in JSON`);
      return value;
    case 'object':
      break;
    default:
      throw new Error(`result of type ${typeof value} cannot be represented in JSON`);
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(fromCelValue);
  if (value instanceof Uint8Array) return encodeBase64(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('result is an invalid timestamp');
    return value.toISOString();
  }
  if (value instanceof Map) {
    const entries = [...(value as Map<unknown, unknown>).entries()];
    return Object.fromEntries(entries.map(([k, v]) => [String(k), fromCelValue(v)]));
  }
  if (value instanceof Optional) return value.hasValue() ? fromCelValue(value.value()) : null;

  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCelValue(v)]));
  }
  return fromCelObject(value);
}

/** cel-js's own classes (uint, duration, type) are not exported: recognise them by their tags. */
function fromCelObject(value: object): JsonValue {
  const tag = Object.prototype.toString.call(value);
  // Durations print in protobuf's JSON form, e.g. "3600s" or "1.5s".
  if (tag === '[object google.protobuf.Duration]') return (value as { toString(): string }).toString();
  const typeName = /^\[object Type<(.+)>\]$/.exec(tag)?.[1];
  if (typeName !== undefined) return typeName;
  const primitive: unknown = value.valueOf();
  if (typeof primitive === 'bigint') return Number(primitive); // uint
  throw new Error(`result of type ${value.constructor?.name ?? 'object'} cannot be represented in JSON`);
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding; written out because workflow code has no Buffer. */
function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    out += BASE64_ALPHABET[(triple >> 18) & 63];
    out += BASE64_ALPHABET[(triple >> 12) & 63];
    out += i + 1 < bytes.length ? BASE64_ALPHABET[(triple >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? BASE64_ALPHABET[triple & 63] : '=';
  }
  return out;
}
