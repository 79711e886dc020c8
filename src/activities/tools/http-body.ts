/**
 * Reads an HTTP response body with a size cap, streaming: a response bigger than the cap is cut
 * off as soon as the cap is passed (or refused at once when its Content-Length says so), so a huge
 * body is never buffered. Compressed bodies are decoded and the cap applies to the decoded bytes,
 * so a small gzip bomb cannot pass it either.
 */
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { DEFAULT_MAX_TASK_PAYLOAD_BYTES } from '../../limits/size-limits';

/** The body passed `limit` bytes; `size` is the declared length when it was known up front. */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';

  constructor(
    readonly limit: number,
    readonly size: number | undefined,
  ) {
    super(size === undefined ? `the response body is more than ${limit} bytes` : `the response body is ${size} bytes, more than ${limit}`);
  }
}

/**
 * The default of `CADENZA_HTTP_MAX_RESPONSE_BYTES`: the default task output limit (512 KiB), since a
 * bigger body could never be the task's output (docs/decisions.md "Size limits").
 */
export const DEFAULT_MAX_RESPONSE_BYTES = DEFAULT_MAX_TASK_PAYLOAD_BYTES;

/** What the tool asks servers for; fetch sent the same. */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

/** The decoded body, at most `limit` bytes; rejects with `ResponseTooLargeError` past it. */
export async function readBodyCapped(response: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (headerValue(response.headers['content-encoding']) ?? 'identity').trim().toLowerCase();
  const declared = Number(headerValue(response.headers['content-length']));
  if (encoding === 'identity' && Number.isFinite(declared) && declared > limit) {
    response.destroy();
    throw new ResponseTooLargeError(limit, declared);
  }
  const decoded = decode(response, encoding);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of decoded) {
      const bytes = chunk as Buffer;
      total += bytes.length;
      if (total > limit) throw new ResponseTooLargeError(limit, undefined);
      chunks.push(bytes);
    }
  } finally {
    // Stop reading (and close the connection) at once, whether the body ended, failed or overflowed.
    if (total > limit || !response.complete) {
      response.destroy();
      decoded.destroy();
    }
  }
  return Buffer.concat(chunks, total);
}

function decode(response: IncomingMessage, encoding: string): Readable {
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (decoder === undefined) return response;
  // Errors (a reset connection, a corrupt stream) reach the reader through the decoder.
  return pipeline(response, decoder, () => undefined);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
