import { sql } from 'kysely';
import type { ContactFields } from '../validation/contact.js';
import { mergeAttributes, withoutNulls } from './attributes.js';
import { CONTACT_COLUMNS } from './contacts.js';
import type { Contact } from './schema.js';
import type { WorkspaceScope } from './scope.js';

/** What a write may set besides the validated fields (profiles: the adopted set, by id). */
export type ContactWrite = ContactFields & {
  organizationId?: string | null;
  profileIds?: string[];
};

function columnValues(fields: ContactWrite) {
  const { customAttributes: _, ...plain } = fields;
  return plain;
}

/** Scoped contact writes. Unique indexes and foreign keys decide conflicts: callers map them. */
export function contactWrites(scope: WorkspaceScope) {
  const workspaceId = scope.workspaceId;

  function patchSet(fields: ContactWrite) {
    return {
      ...columnValues(fields),
      ...(fields.customAttributes === undefined
        ? {}
        : {
            customAttributes:
              fields.customAttributes === null
                ? sql`'{}'::jsonb`
                : mergeAttributes('contacts', fields.customAttributes),
          }),
      updatedAt: sql`now()`,
    };
  }

  return {
    async insert(fields: ContactWrite): Promise<Contact> {
      return scope.db
        .insertInto('contacts')
        .values({
          ...columnValues(fields),
          workspaceId,
          customAttributes: JSON.stringify(withoutNulls(fields.customAttributes ?? {})),
        })
        .returning(CONTACT_COLUMNS)
        .executeTakeFirstOrThrow();
    },

    /** Partial update of a live contact; undefined when there is none with that id. */
    async update(id: string, fields: ContactWrite): Promise<Contact | undefined> {
      return (
        scope
          .updateTable('contacts')
          // biome-ignore lint/suspicious/noExplicitAny: raw SQL values (jsonb merge, now()) per column.
          .set(patchSet(fields) as any)
          .where('id', '=', id)
          .where('deletedAt', 'is', null)
          .returning(CONTACT_COLUMNS)
          .executeTakeFirst()
      );
    },

    /**
     * Insert, or update the live contact holding `externalId` — one statement, so concurrent
     * upserts of one external ID can never create two contacts.
     */
    async upsert(
      fields: ContactWrite & { externalId: string },
    ): Promise<{ contact: Contact; created: boolean }> {
      const insert = scope.db
        .insertInto('contacts')
        .values({
          ...columnValues(fields),
          workspaceId,
          customAttributes: JSON.stringify(withoutNulls(fields.customAttributes ?? {})),
        })
        .onConflict((oc) =>
          oc
            .columns(['workspaceId', 'externalId'])
            .where('deletedAt', 'is', null)
            // biome-ignore lint/suspicious/noExplicitAny: raw SQL values (jsonb merge, now()) per column.
            .doUpdateSet(patchSet(fields) as any),
        );
      const row = await insert
        .returning([...CONTACT_COLUMNS, sql<boolean>`(xmax = 0)`.as('created')])
        .executeTakeFirstOrThrow();
      const { created, ...contact } = row;
      return { contact, created };
    },

    async softDelete(id: string): Promise<Contact | undefined> {
      return scope
        .updateTable('contacts')
        .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
        .where('id', '=', id)
        .where('deletedAt', 'is', null)
        .returning(CONTACT_COLUMNS)
        .executeTakeFirst();
    },

    /** Brings a deleted contact back; a unique violation means its keys were taken meanwhile. */
    async restore(id: string): Promise<Contact | undefined> {
      return scope
        .updateTable('contacts')
        .set({ deletedAt: null, updatedAt: sql`now()` })
        .where('id', '=', id)
        .where('deletedAt', 'is not', null)
        .returning(CONTACT_COLUMNS)
        .executeTakeFirst();
    },

    /** Idempotent: links that exist stay; a label of another workspace fails its foreign key. */
    async addLabels(contactId: string, labelIds: readonly string[]): Promise<void> {
      if (labelIds.length === 0) return;
      await scope.db
        .insertInto('contactLabels')
        .values([...new Set(labelIds)].map((labelId) => ({ workspaceId, contactId, labelId })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    async removeLabels(contactId: string, labelIds: readonly string[]): Promise<void> {
      if (labelIds.length === 0) return;
      await scope
        .deleteFrom('contactLabels')
        .where('contactId', '=', contactId)
        .where('labelId', '=', sql<string>`any(${[...labelIds]}::bigint[])`)
        .execute();
    },

    /** Bulk actions over already selected ids; each returns how many contacts changed. */
    async bulkAddLabels(ids: readonly string[], labelIds: readonly string[]): Promise<number> {
      if (ids.length === 0 || labelIds.length === 0) return 0;
      const result = await sql`insert into contact_labels (workspace_id, contact_id, label_id)
        select ${workspaceId}, c.id, l.id
        from unnest(${[...ids]}::bigint[]) as c(id) cross join unnest(${[...new Set(labelIds)]}::bigint[]) as l(id)
        on conflict do nothing
        returning contact_id`.execute(scope.db);
      return new Set((result.rows as { contactId: string }[]).map((r) => r.contactId)).size;
    },

    async bulkRemoveLabels(ids: readonly string[], labelIds: readonly string[]): Promise<number> {
      if (ids.length === 0 || labelIds.length === 0) return 0;
      const rows = await scope
        .deleteFrom('contactLabels')
        .where('contactId', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .where('labelId', '=', sql<string>`any(${[...labelIds]}::bigint[])`)
        .returning('contactId')
        .execute();
      return new Set(rows.map((r) => r.contactId)).size;
    },

    async bulkSoftDelete(ids: readonly string[]): Promise<number> {
      if (ids.length === 0) return 0;
      const result = await scope
        .updateTable('contacts')
        .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
        .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .where('deletedAt', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async bulkRestore(ids: readonly string[]): Promise<number> {
      if (ids.length === 0) return 0;
      const result = await scope
        .updateTable('contacts')
        .set({ deletedAt: null, updatedAt: sql`now()` })
        .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .where('deletedAt', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async bulkSetOrganization(
      ids: readonly string[],
      organizationId: string | null,
    ): Promise<number> {
      if (ids.length === 0) return 0;
      const result = await scope
        .updateTable('contacts')
        .set({ organizationId, updatedAt: sql`now()` })
        .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .where('deletedAt', 'is', null)
        .where(sql<boolean>`organization_id is distinct from ${organizationId}::bigint`)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
