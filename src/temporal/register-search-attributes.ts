/**
 * Registers Cadenza's custom search attributes on a server Cadenza did not start (TEMPORAL_ADDRESS:
 * docker compose, a cluster). The embedded dev server gets them with `--search-attribute` instead.
 */
import type { Connection } from '@temporalio/client';
import { cadenzaSearchAttributes } from '../workflows/search-attributes';
import type { SearchAttributeSpec } from './dev-server-flags';

type AddSearchAttributesRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
type IndexedValueType = NonNullable<AddSearchAttributesRequest['searchAttributes']>[string];

/** Values of `temporal.api.enums.v1.IndexedValueType`, by the type names the CLI flags use. */
const indexedValueTypes: Readonly<Record<string, number>> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

/** Adds the attributes `namespace` lacks; returns the names it added. */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  searchAttributes: ReadonlyArray<SearchAttributeSpec> = cadenzaSearchAttributes,
): Promise<string[]> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = listed.customAttributes ?? {};
  const missing = searchAttributes.filter(({ name }) => !(name in existing));
  if (missing.length === 0) return [];
  const wanted: Record<string, IndexedValueType> = {};
  for (const { name, type } of missing) {
    const code = indexedValueTypes[type];
    if (code === undefined) throw new Error(`search attribute ${name}: unknown type ${type}`);
    wanted[name] = code;
  }
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: wanted });
  return missing.map(({ name }) => name);
}
