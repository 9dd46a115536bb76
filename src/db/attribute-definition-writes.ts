import { sql } from 'kysely';
import type { AttributeDefinition, AttributeType } from './schema.js';
import type { WorkspaceScope } from './scope.js';

/** Validated definition fields; absent keys are left alone (the key never changes). */
export type DefinitionWrite = {
  name?: string;
  description?: string | null;
  type?: AttributeType;
  options?: string[] | null;
  pattern?: string | null;
  required?: boolean;
  position?: number;
};

/** Where a definition's values live: active ones in custom_attributes, archived ones apart. */
export type ValueColumn = 'custom_attributes' | 'archived_attributes';

/** One contact's stored value of a key. */
export type StoredValue = { contactId: string; value: unknown };

/**
 * Scoped writes of attribute definitions and of the contact values they govern. Moving or
 * rewriting values are ordinary contact updates, so the contact triggers announce them as
 * events; each is one statement whatever the number of contacts.
 */
export function attributeDefinitionWrites(scope: WorkspaceScope) {
  const workspaceId = scope.workspaceId;
  return {
    async insert(
      fields: DefinitionWrite & { key: string; name: string; type: AttributeType },
    ): Promise<AttributeDefinition> {
      return scope.db
        .insertInto('attributeDefinitions')
        .values({ ...fields, workspaceId })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** The definition, locked until the transaction ends (changes to one key serialize). */
    async lock(id: string): Promise<AttributeDefinition | undefined> {
      return scope
        .selectFrom('attributeDefinitions')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
    },

    async update(
      id: string,
      fields: DefinitionWrite & { archivedAt?: Date | null },
    ): Promise<AttributeDefinition | undefined> {
      return scope
        .updateTable('attributeDefinitions')
        .set({ ...fields, updatedAt: sql`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    /** Replaces the profiles grouping the definition. */
    async setProfiles(definitionId: string, profileIds: readonly string[]): Promise<void> {
      await scope
        .deleteFrom('profileAttributes')
        .where('definitionId', '=', definitionId)
        .where(sql<boolean>`not (profile_id = any(${[...profileIds]}::bigint[]))`)
        .execute();
      if (profileIds.length === 0) return;
      await scope.db
        .insertInto('profileAttributes')
        .values(
          [...new Set(profileIds)].map((profileId) => ({ workspaceId, profileId, definitionId })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    /** Every contact's value of `key` in `column`, deleted contacts too (they can come back). */
    async storedValues(key: string, column: ValueColumn): Promise<StoredValue[]> {
      const { rows } = await sql<StoredValue>`
        select c.id::text as "contactId", ${sql.ref(`c.${column}`)} -> ${key} as value
        from contacts c
        where ${scope.owns('c')} and ${sql.ref(`c.${column}`)} ? ${key}
        order by c.id`.execute(scope.db);
      return rows;
    },

    /**
     * Writes converted values of `key` in one statement (`null` removes the key: the value
     * converted to "no value"); returns how many contacts changed.
     */
    async rewriteValues(
      key: string,
      column: ValueColumn,
      values: readonly StoredValue[],
    ): Promise<number> {
      if (values.length === 0) return 0;
      const ids = values.map((v) => v.contactId);
      const json = values.map((v) => (v.value === null ? null : JSON.stringify(v.value)));
      const target = sql.ref(column);
      const result = await sql`
        update contacts c set
          ${target} = case when t.v is null then c.${target} - ${key}
                      else jsonb_set(c.${target}, array[${key}::text], t.v::jsonb) end,
          updated_at = now()
        from unnest(${ids}::bigint[], ${json}::text[]) as t(id, v)
        where ${scope.owns('c')} and c.id = t.id`.execute(scope.db);
      return Number(result.numAffectedRows ?? 0);
    },

    /** Moves every value of `key` out of custom_attributes (archive); returns the count. */
    async archiveValues(key: string): Promise<number> {
      const result = await sql`
        update contacts c set
          archived_attributes = c.archived_attributes || jsonb_build_object(${key}::text, c.custom_attributes -> ${key}),
          custom_attributes = c.custom_attributes - ${key}::text,
          updated_at = now()
        where ${scope.owns('c')} and c.custom_attributes ? ${key}`.execute(scope.db);
      return Number(result.numAffectedRows ?? 0);
    },

    /**
     * Moves every archived value of `key` back (restore). A value written under the key
     * meanwhile (it cannot be through the API) wins over the archived one.
     */
    async restoreValues(key: string): Promise<number> {
      const result = await sql`
        update contacts c set
          custom_attributes = jsonb_build_object(${key}::text, c.archived_attributes -> ${key}) || c.custom_attributes,
          archived_attributes = c.archived_attributes - ${key}::text,
          updated_at = now()
        where ${scope.owns('c')} and c.archived_attributes ? ${key}`.execute(scope.db);
      return Number(result.numAffectedRows ?? 0);
    },
  };
}
