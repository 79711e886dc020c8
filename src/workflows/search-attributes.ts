/**
 * Custom search attributes Cadenza keeps current on every execution, so the Web UI and
 * `temporal workflow list --query` can filter on them. The dev server registers them at start.
 * `awaitingOf()` computes the value of `CadenzaAwaiting`.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Gate } from './gates';
import { PauseReason } from './states';

/** Cadenza execution status (`running`, `paused`, ...). */
export const CadenzaStatusKey = defineSearchAttributeKey('CadenzaStatus', SearchAttributeType.KEYWORD);

/** Id of the definition the execution runs. */
export const CadenzaWorkflowIdKey = defineSearchAttributeKey('CadenzaWorkflowId', SearchAttributeType.KEYWORD);

/** Version of the definition the execution runs. */
export const CadenzaWorkflowVersionKey = defineSearchAttributeKey('CadenzaWorkflowVersion', SearchAttributeType.INT);

/** Who an open approval waits for: `role:<role>`, `user:<name>`, or `anyone`. */
export const CadenzaAwaitingKey = defineSearchAttributeKey('CadenzaAwaiting', SearchAttributeType.KEYWORD_LIST);

/** The registry a definition entity (`cadenzaDefinition`) belongs to: listings filter on it. */
export const CadenzaRegistryKey = defineSearchAttributeKey('CadenzaRegistry', SearchAttributeType.KEYWORD);

/**
 * Event names that start a definition (the `triggers[].event` of its latest version), kept on its
 * entity so that an event router finds the definitions an event starts with one visibility query
 * (`CadenzaTriggerEvents = 'order.created'`) instead of a scan. Empty until definitions have triggers.
 */
export const CadenzaTriggerEventsKey = defineSearchAttributeKey('CadenzaTriggerEvents', SearchAttributeType.KEYWORD_LIST);

/** Every custom search attribute with its Temporal type name, for registration. */
export const cadenzaSearchAttributes: ReadonlyArray<{ name: string; type: 'Keyword' | 'Int' | 'KeywordList' }> = [
  { name: CadenzaStatusKey.name, type: 'Keyword' },
  { name: CadenzaWorkflowIdKey.name, type: 'Keyword' },
  { name: CadenzaWorkflowVersionKey.name, type: 'Int' },
  { name: CadenzaAwaitingKey.name, type: 'KeywordList' },
  { name: CadenzaRegistryKey.name, type: 'Keyword' },
  { name: CadenzaTriggerEventsKey.name, type: 'KeywordList' },
];

/**
 * Bytes of JSON the `CadenzaAwaiting` value may take: Temporal refuses a search attribute value over
 * 2,048 bytes by failing the workflow task. Registration keeps definitions far below it; this bound
 * holds for executions started with any input.
 */
export const MAX_AWAITING_BYTES = 2000;

/**
 * The value of `CadenzaAwaiting` for an execution's open gates: whom its open approvals wait for
 * (`role:<role>`, `user:<name>`, or `anyone` for an approval that names no approvers), sorted, each
 * once, as many as fit in `MAX_AWAITING_BYTES`.
 */
export function awaitingOf(openGates: ReadonlyArray<Pick<Gate, 'reason' | 'data'>>): string[] {
  const awaiting = new Set<string>();
  for (const gate of openGates) {
    if (gate.reason !== PauseReason.ApprovalRequired) continue;
    const approvers = gate.data.approvers as { roles?: string[]; users?: string[] } | null;
    const entries = [...(approvers?.roles ?? []).map((r) => `role:${r}`), ...(approvers?.users ?? []).map((u) => `user:${u}`)];
    for (const e of entries.length > 0 ? entries : ['anyone']) awaiting.add(e);
  }
  const fitting: string[] = [];
  let bytes = 2;
  for (const entry of [...awaiting].sort()) {
    const size = utf8Length(JSON.stringify(entry)) + 1;
    if (bytes + size > MAX_AWAITING_BYTES) break;
    fitting.push(entry);
    bytes += size;
  }
  return fitting;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
