/**
 * YAML request bodies (`Content-Type: application/yaml`, `text/yaml`, `application/x-yaml`), so a
 * definition file can be PUT as written. A body that is not valid YAML is `400 malformed_body`,
 * exactly like broken JSON.
 */
import type { FastifyInstance } from 'fastify';
import { readYamlDocument } from '../definitions/yaml-document';
import { MalformedBody } from '../errors/problems';

/** The content types read as YAML. */
export const YAML_CONTENT_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'];

/** Installs the YAML body parser on `app`. */
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
  const reading = readYamlDocument(text);
  if (reading.ok) return reading.value;
  const { failure } = reading;
  const where = failure.kind === 'syntax' ? `line ${failure.line}, column ${failure.column}: ` : '';
  throw new MalformedBody(`the body is not valid YAML: ${where}${failure.message}`);
}
