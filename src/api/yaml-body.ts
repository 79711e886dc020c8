/**
 * YAML request bodies (`Content-Type: application/yaml`, `text/yaml`, `application/x-yaml`), so a
 * definition file can be PUT as written. A body that is not valid YAML is `400 malformed_body`,
 * exactly like broken JSON.
 */
import type { FastifyInstance } from 'fastify';
import { LineCounter, parseDocument } from 'yaml';
import { MalformedBody } from '../errors/problems';

export const YAML_CONTENT_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

export function registerYamlBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser(YAML_CONTENT_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseYamlBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Parses one YAML document to plain JSON values; throws `MalformedBody` with line and column. */
export function parseYamlBody(text: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = document.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new MalformedBody(`the body is not valid YAML: line ${line}, column ${col}: ${error.message}`);
  }
  try {
    // Alias bombs and unresolved aliases surface only here.
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    throw new MalformedBody(`the body is not valid YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
}
