import { sql } from 'kysely';
import type { Profile } from './schema.js';
import type { WorkspaceScope } from './scope.js';

/** Validated profile fields; absent keys are left alone, null clears (description only). */
export type ProfileWrite = { slug?: string; name?: string; description?: string | null };

/** Scoped profile writes. The unique index decides slug conflicts: callers map them. */
export function profileWrites(scope: WorkspaceScope) {
  const workspaceId = scope.workspaceId;
  return {
    async insert(fields: ProfileWrite & { slug: string; name: string }): Promise<Profile> {
      return scope.db
        .insertInto('profiles')
        .values({ ...fields, workspaceId })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(id: string, fields: ProfileWrite): Promise<Profile | undefined> {
      return scope
        .updateTable('profiles')
        .set({ ...fields, updatedAt: sql`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    /** The profile, locked until the transaction ends. */
    async lock(id: string): Promise<Profile | undefined> {
      return scope
        .selectFrom('profiles')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
    },

    /** Replaces the definitions the profile groups. */
    async setAttributes(profileId: string, definitionIds: readonly string[]): Promise<void> {
      await scope
        .deleteFrom('profileAttributes')
        .where('profileId', '=', profileId)
        .where(sql<boolean>`not (definition_id = any(${[...definitionIds]}::bigint[]))`)
        .execute();
      if (definitionIds.length === 0) return;
      await scope.db
        .insertInto('profileAttributes')
        .values(
          [...new Set(definitionIds)].map((definitionId) => ({
            workspaceId,
            profileId,
            definitionId,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    /**
     * Deletes a profile that is not the default one: contacts that adopted it drop it first
     * (one contact update, so events tell), then its row and memberships go.
     */
    async delete(id: string): Promise<{ deletedId: string; affectedContacts: number } | undefined> {
      const result = await scope
        .updateTable('contacts')
        .set({
          profileIds: sql`array_remove(contacts.profile_ids, ${id}::bigint)`,
          updatedAt: sql`now()`,
        })
        .where(sql<boolean>`contacts.profile_ids @> array[${id}::bigint]`)
        .executeTakeFirst();
      const row = await scope
        .deleteFrom('profiles')
        .where('id', '=', id)
        .where('isDefault', '=', false)
        .returning('id')
        .executeTakeFirst();
      return row && { deletedId: row.id, affectedContacts: Number(result.numUpdatedRows) };
    },
  };
}
