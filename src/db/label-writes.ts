import { sql } from 'kysely';
import type { Label, LabelKind } from './schema.js';
import type { WorkspaceScope } from './scope.js';

/** Validated label fields; absent keys are left alone, null clears (description only). */
export type LabelWrite = {
  name?: string;
  color?: string;
  description?: string | null;
  kind?: LabelKind;
};

/** Scoped label writes. The unique index decides name conflicts: callers map them. */
export function labelWrites(scope: WorkspaceScope) {
  const workspaceId = scope.workspaceId;
  return {
    async insert(fields: LabelWrite & { name: string }): Promise<Label> {
      return scope.db
        .insertInto('labels')
        .values({ ...fields, workspaceId })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Partial update; undefined when there is no such label. */
    async update(id: string, fields: LabelWrite): Promise<Label | undefined> {
      return scope
        .updateTable('labels')
        .set({ ...fields, updatedAt: sql`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    /** The foreign key removes the label from every contact carrying it. */
    async delete(id: string): Promise<string | undefined> {
      const row = await scope
        .deleteFrom('labels')
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },
  };
}
