/**
 * JSON request bodies (`Content-Type: application/json`), in place of Fastify's own parser: strict
 * UTF-8, a declared charset other than UTF-8 refused (415), and every parsed body checked by
 * `assertSafeBody` (nesting depth, prototype keys, non-finite numbers). Fastify's `text/plain` parser
 * is removed too: the API takes JSON and YAML only, anything else is `415 unsupported_media_type`.
 */
import type { FastifyInstance } from 'fastify';
import { decodeUtf8Body, parseJsonBody } from '../input/body-guard';
import { ACCEPTED_CONTENT_TYPES } from './error-handler';
import { MalformedBody, UnsupportedMediaType } from '../errors/problems';

/** Replaces Fastify's JSON and text parsers on `app`. */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      assertUtf8Charset(request.headers['content-type']);
      const text = decodeUtf8Body(body as Buffer);
      if (text === '') throw new MalformedBody('the body is empty but Content-Type is application/json');
      done(null, parseJsonBody(text));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Bodies are UTF-8: a `charset` parameter naming anything else is `415 unsupported_media_type`. */
export function assertUtf8Charset(contentType: string | undefined): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return;
  throw new UnsupportedMediaType(contentType, ACCEPTED_CONTENT_TYPES.map((type) => `${type}; charset=utf-8`));
}
