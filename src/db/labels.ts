import { sql } from 'kysely';
import { buildKeyset, type PageArgs } from './keyset.js';
import { lowerContains } from './like.js';
import { fetchPage } from './paging.js';
import type { Label } from './schema.js';
import type { WorkspaceScope } from './scope.js';

const BY_NAME = buildKeyset(
  { NAME: { column: 'labels.name', key: 'lower(labels.name) collate "C"', type: 'text' } },
  [{ field: 'NAME', direction: 'ASC' }],
  'labels.id',
);

/** Scoped reads of labels. A workspace has few labels; name order is indexed. */
export function labelsRepository(scope: WorkspaceScope) {
  return {
    byIds(ids: readonly string[]): Promise<Label[]> {
      return scope
        .selectFrom('labels')
        .selectAll()
        .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .execute();
    },

    /** Each contact's labels, by name: one statement for a whole page of contacts. */
    async byContactIds(contactIds: readonly string[]): Promise<Map<string, Label[]>> {
      const rows = await scope
        .selectFrom('contactLabels')
        .innerJoin('labels', (join) =>
          join
            .onRef('labels.workspaceId', '=', 'contactLabels.workspaceId')
            .onRef('labels.id', '=', 'contactLabels.labelId'),
        )
        .selectAll('labels')
        .select('contactLabels.contactId')
        .where('contactLabels.contactId', '=', sql<string>`any(${[...contactIds]}::bigint[])`)
        .orderBy(sql`lower(labels.name) collate "C"`)
        .orderBy('labels.id')
        .execute();
      const byContact = new Map<string, Label[]>(contactIds.map((id) => [id, []]));
      for (const { contactId, ...label } of rows) byContact.get(contactId)?.push(label);
      return byContact;
    },

    page(query: { search?: string | null }, args: PageArgs) {
      let q = scope.selectFrom('labels').selectAll('labels');
      const search = query.search?.trim();
      if (search) q = q.where(lowerContains(sql`lower(labels.name)`, search));
      return fetchPage<Label>(scope.db, q, BY_NAME, args);
    },
  };
}
