/**
 * Custom search attributes Cadenza keeps current on every execution, so the Web UI and
 * `temporal workflow list --query` can filter on them. The dev server registers them at start.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Cadenza execution status (`running`, `paused`, ...). */
export const CadenzaStatusKey = defineSearchAttributeKey('CadenzaStatus', SearchAttributeType.KEYWORD);

/** Id of the definition the execution runs. */
export const CadenzaWorkflowIdKey = defineSearchAttributeKey('CadenzaWorkflowId', SearchAttributeType.KEYWORD);

/** Version of the definition the execution runs. */
export const CadenzaWorkflowVersionKey = defineSearchAttributeKey('CadenzaWorkflowVersion', SearchAttributeType.INT);

/** Who an open approval waits for: `role:<role>`, `user:<name>`, or `anyone`. */
export const CadenzaAwaitingKey = defineSearchAttributeKey('CadenzaAwaiting', SearchAttributeType.KEYWORD_LIST);

/** Every custom search attribute with its Temporal type name, for registration. */
export const cadenzaSearchAttributes: ReadonlyArray<{ name: string; type: 'Keyword' | 'Int' | 'KeywordList' }> = [
  { name: CadenzaStatusKey.name, type: 'Keyword' },
  { name: CadenzaWorkflowIdKey.name, type: 'Keyword' },
  { name: CadenzaWorkflowVersionKey.name, type: 'Int' },
  { name: CadenzaAwaitingKey.name, type: 'KeywordList' },
];
