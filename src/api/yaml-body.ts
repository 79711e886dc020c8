/**
 * YAML request bodies (`Content-Type: application/yaml`, `text/yaml`, `application/x-yaml`), so a
 * definition file can be PUT as written. A body that is not valid YAML is `400 malformed_body`,
 * exactly like broken JSON; the parsed value goes through the same checks as JSON (`assertSafeBody`).
 */
import type { FastifyInstance } from 'fastify';
import { LineCounter, parseDocument } from 'yaml';
import { assertSafeBody, decodeUtf8Body, MAX_BODY_DEPTH } from './body-guard';
import { BodyTooDeep, MalformedBody } from './errors';
import { assertUtf8Charset } from './json-body';

export const YAML_CONTENT_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

/** Adds the YAML parser to `app`. */
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
  let value: unknown;
  try {
    value = toPlainValue(text);
  } catch (error) {
    // The YAML library recurses: nesting deep enough overflows the stack before the depth check runs.
    if (error instanceof RangeError) throw new BodyTooDeep(MAX_BODY_DEPTH, 'body');
    throw error;
  }
  assertSafeBody(value);
  return value;
}

function toPlainValue(text: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = document.errors;
  // The library's own stack overflow, reported as a parse error.
  if (error?.code === 'RESOURCE_EXHAUSTION') throw new RangeError(error.message);
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new MalformedBody(`the body is not valid YAML: line ${line}, column ${col}: ${error.message}`);
  }
  try {
    // Alias bombs and unresolved aliases surface only here.
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    if (e instanceof RangeError) throw e;
    throw new MalformedBody(`the body is not valid YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
}
