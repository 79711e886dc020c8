/**
 * One YAML document to plain JSON values, for definition files and the API's YAML bodies alike:
 * a syntax error comes with its line and column, and aliases are bounded (no alias bombs). The
 * callers word the failure for their audience.
 */
import { LineCounter, parseDocument } from 'yaml';

/** Most alias expansions one document may make. */
const MAX_ALIAS_COUNT = 100;

/** Why a text is not a readable YAML document. */
export type YamlFailure =
  /** The text does not parse; `line` and `column` count from 1. */
  | { kind: 'syntax'; line: number; column: number; message: string }
  /** It parses, but its aliases do not resolve or expand too far (only converting finds that). */
  | { kind: 'conversion'; message: string }
  /** It nests so deep that the YAML library runs out of stack reading it. */
  | { kind: 'too_deep'; message: string };

/** What `readYamlDocument()` found: the value, or why there is none. */
export type YamlReading = { ok: true; value: unknown } | { ok: false; failure: YamlFailure };

/** Reads one YAML document; never throws. */
export function readYamlDocument(text: string): YamlReading {
  try {
    return readDocument(text);
  } catch (e) {
    // Nesting deep enough overflows the stack inside the parser itself.
    if (e instanceof RangeError) return { ok: false, failure: { kind: 'too_deep', message: e.message } };
    throw e;
  }
}

function readDocument(text: string): YamlReading {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = document.errors;
  // The library recurses; it reports its own stack overflow as this parse error.
  if (error?.code === 'RESOURCE_EXHAUSTION') return { ok: false, failure: { kind: 'too_deep', message: error.message } };
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { ok: false, failure: { kind: 'syntax', line, column: col, message: error.message } };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, failure: { kind: 'too_deep', message: e.message } };
    return { ok: false, failure: { kind: 'conversion', message: e instanceof Error ? e.message : String(e) } };
  }
}
