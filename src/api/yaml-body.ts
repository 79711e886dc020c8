/**
 * YAML request bodies (`Content-Type: application/yaml`, `text/yaml`, `application/x-yaml`), so a
 * definition file can be PUT as written. A body that is not valid YAML is `400 malformed_body`,
 * exactly like broken JSON; the parsed value goes through the same checks as JSON (`assertSafeBody`).
 */
import type { FastifyInstance } from 'fastify';
import { readYamlDocument } from '../definitions/yaml-document';
import { BodyTooDeep, MalformedBody } from '../errors/problems';
import { assertSafeBody, decodeUtf8Body, MAX_BODY_DEPTH } from '../input/body-guard';
import { assertUtf8Charset } from './json-body';

/** The content types read as YAML. */
export const YAML_CONTENT_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

/** Installs the YAML body parser on `app`. */
export function registerYamlBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser(YAML_CONTENT_TYPES, { parseAs: 'buffer' }, (request, body, done) => {
    try {
      assertUtf8Charset(request.headers['content-type']);
      done(null, parseYamlBody(decodeUtf8Body(body as Buffer)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/**
 * Parses one YAML document to plain JSON values; throws `MalformedBody` with line and column,
 * `BodyTooDeep` for nesting too deep to convert, or what `assertSafeBody` refuses.
 */
export function parseYamlBody(text: string): unknown {
  const reading = readYamlDocument(text);
  if (!reading.ok) {
    const { failure } = reading;
    if (failure.kind === 'too_deep') throw new BodyTooDeep(MAX_BODY_DEPTH, 'body');
    const where = failure.kind === 'syntax' ? `line ${failure.line}, column ${failure.column}: ` : '';
    throw new MalformedBody(`the body is not valid YAML: ${where}${failure.message}`);
  }
  assertSafeBody(reading.value);
  return reading.value;
}
