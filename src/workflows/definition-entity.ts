/**
 * `cadenzaDefinition`: the entity workflow of one definition id (docs/design.md §1, §11). It holds
 * the definition's versions (`DefinitionVersions`), takes puts as updates (one at a time, so versions
 * stay unique and gap-free whatever API nodes race), answers reads as queries, and publishes its
 * listing summary as memo and search attributes (`CadenzaRegistry`, `CadenzaWorkflowId`,
 * `CadenzaWorkflowVersion`, `CadenzaTriggerEvents`), which the listing reads from visibility.
 *
 * It bounds itself: bodies past its byte budget move to `cadenzaDefinitionArchive` workflows, and it
 * continues as new carrying only the index and the bodies it keeps.
 */
import {
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  ParentClosePolicy,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { cadenzaDefinitionArchive } from './definition-archive';
import {
  DEFAULT_ENTITY_LIMITS,
  type DefinitionEntityInput,
  type DefinitionEntityLimits,
  type DefinitionEntityStats,
  definitionArchiveId,
  definitionEntityId,
  describeDefinitionQuery,
  entityStatsQuery,
  getVersionQuery,
  putVersionUpdate,
  SUMMARY_MEMO_KEY,
} from './definition-entity-messages';
import { assertShallow } from './definition-put-rules';
import { DefinitionVersions } from './definition-versions';
import { guarded } from './handler-guard';
import { type PutDefinitionRequest, type PutDefinitionResult, PutOutcome, RegistryFailureType } from './registry-messages';
import { CadenzaRegistryKey, CadenzaTriggerEventsKey, CadenzaWorkflowIdKey, CadenzaWorkflowVersionKey } from './search-attributes';
import { triggerEventsOf } from './trigger-events';

export async function cadenzaDefinition(input: DefinitionEntityInput): Promise<void> {
  const limits: DefinitionEntityLimits = { ...DEFAULT_ENTITY_LIMITS, ...input.limits };
  const versions = new DefinitionVersions(input.definition_id, input.state, limits);
  const invalidRequest = RegistryFailureType.InvalidRequest;
  let archiving = false;
  /** What this run's history took: puts, and bytes of bodies (requests and archives). */
  const run = { puts: 0, bytes: 0 };
  const busy = () => archiving || versions.needsArchiving();
  labelEntity(input);

  const put = guarded('the putDefinition update', (request: PutDefinitionRequest): PutDefinitionResult => {
    run.puts++;
    const plan = versions.plan(request);
    run.bytes += plan.bytes;
    if (plan.outcome === PutOutcome.Unchanged) return { outcome: PutOutcome.Unchanged, stored: plan.stored };
    const stored = versions.add(plan, request.registered_at ?? new Date().toISOString());
    publishSummary(versions);
    return { outcome: PutOutcome.Created, stored };
  }, invalidRequest);
  setHandler(
    putVersionUpdate,
    async (request: PutDefinitionRequest) => {
      // Over its budget, the entity archives before it stores more: its state stays bounded. Checked
      // again after every wake-up, since other puts may have woken in the same activation.
      while (busy()) await condition(() => !busy());
      return put(request);
    },
    {
      validator: guarded('the putDefinition update', (request: PutDefinitionRequest) => {
        assertShallow(request);
        versions.plan(request);
      }, invalidRequest),
    },
  );
  setHandler(getVersionQuery, guarded('the getDefinition query', (version?: unknown) => versions.get(version), invalidRequest));
  setHandler(describeDefinitionQuery, guarded('the describeDefinition query', () => versions.summary(), invalidRequest));
  setHandler(
    entityStatsQuery,
    guarded('the entityStats query', (): DefinitionEntityStats => {
      const info = workflowInfo();
      return { ...versions.sizes(), history_length: info.historyLength, history_bytes: info.historySize, run: input.run ?? 1 };
    }, invalidRequest),
  );

  const handOver = () => workflowInfo().continueAsNewSuggested || run.puts >= limits.max_run_puts || run.bytes >= limits.max_run_bytes;
  for (;;) {
    await condition(() => versions.needsArchiving() || handOver());
    if (!versions.needsArchiving()) break;
    archiving = true;
    try {
      run.bytes += await archive(input, versions);
    } finally {
      archiving = false;
    }
  }
  // Let every accepted update finish before handing over, so none is lost with the old run.
  await condition(allHandlersFinished);
  const info = workflowInfo();
  // The summary (memo) and the search attributes go with the new run: the listing reads them.
  const continueWith = makeContinueAsNewFunc<typeof cadenzaDefinition>({ memo: info.memo ?? {}, typedSearchAttributes: info.typedSearchAttributes });
  await continueWith({ ...input, state: versions.state(), run: (input.run ?? 1) + 1 });
}

/** Moves the oldest kept versions to a new archive workflow, which outlives this run (ABANDON); answers the bytes moved. */
async function archive(input: DefinitionEntityInput, versions: DefinitionVersions): Promise<number> {
  const moved = versions.archiveCandidates();
  const first = moved[0]?.definition.version;
  const last = moved.at(-1)?.definition.version;
  if (first === undefined || last === undefined) return 0;
  const before = versions.sizes().kept_bytes;
  // Named from the input, not the workflow id: the same whoever started the entity, and in replay.
  const workflowId = definitionArchiveId(definitionEntityId(input.registry_id, input.definition_id), first, last);
  try {
    await startChild(cadenzaDefinitionArchive, {
      workflowId,
      args: [{ definition_id: input.definition_id, versions: moved }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // Already there: an earlier run of this entity archived exactly these versions (ids name them).
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  versions.archived(moved, workflowId);
  return before - versions.sizes().kept_bytes;
}

/** The search attributes a listing filters on, when whoever started the entity did not set them. */
function labelEntity(input: DefinitionEntityInput): void {
  const attributes = workflowInfo().typedSearchAttributes;
  if (attributes.get(CadenzaRegistryKey) === input.registry_id && attributes.get(CadenzaWorkflowIdKey) === input.definition_id) return;
  upsertSearchAttributes([
    { key: CadenzaRegistryKey, value: input.registry_id },
    { key: CadenzaWorkflowIdKey, value: input.definition_id },
  ]);
}

/** Memo (the summary) and search attributes of the latest version. */
function publishSummary(versions: DefinitionVersions): void {
  const summary = versions.summary();
  if (!summary) return;
  upsertMemo({ [SUMMARY_MEMO_KEY]: summary });
  const triggers = triggerEventsOf(versions.latest()?.definition ?? {});
  const current = workflowInfo().typedSearchAttributes.get(CadenzaTriggerEventsKey) ?? [];
  const changed = triggers.length !== current.length || triggers.some((t, i) => t !== current[i]);
  upsertSearchAttributes([{ key: CadenzaWorkflowVersionKey, value: summary.version }, ...(changed ? [{ key: CadenzaTriggerEventsKey, value: triggers }] : [])]);
}
