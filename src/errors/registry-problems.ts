/**
 * Problems of the definitions registry (docs/design.md §11): limits one definition meets.
 * Transport-neutral like every `ApiProblem`.
 */
import { ApiProblem } from './problems';

/** 413: a definition over the size the registry stores (`MAX_DEFINITION_BYTES`). */
export class DefinitionTooLarge extends ApiProblem {
  constructor(workflowId: string, bytes: number, limit: number) {
    super({
      status: 413,
      slug: 'definition_too_large',
      title: 'Definition too large',
      detail: `definition "${workflowId}" is ${bytes} bytes as canonical JSON; at most ${limit} are stored`,
      extensions: { workflow_id: workflowId, bytes, limit_bytes: limit },
    });
  }
}

/** 409: the definition has as many versions as one definition may have. */
export class VersionLimitReached extends ApiProblem {
  constructor(workflowId: string, detail: string) {
    super({ status: 409, slug: 'version_limit_reached', title: 'Definition version limit reached', detail, extensions: { workflow_id: workflowId } });
  }
}
