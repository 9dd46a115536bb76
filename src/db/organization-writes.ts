import { sql } from 'kysely';
import { mergeAttributes, withoutNulls } from './attributes.js';
import type { Organization } from './schema.js';
import type { WorkspaceScope } from './scope.js';

/** Validated organization fields; absent keys are left alone, null clears. */
export type OrganizationWrite = {
  name?: string;
  domain?: string | null;
  customAttributes?: Record<string, unknown> | null;
};

/** Scoped organization writes. Unique indexes decide name and domain conflicts: callers map them. */
export function organizationWrites(scope: WorkspaceScope) {
  const workspaceId = scope.workspaceId;
  return {
    async insert(fields: OrganizationWrite & { name: string }): Promise<Organization> {
      return scope.db
        .insertInto('organizations')
        .values({
          workspaceId,
          name: fields.name,
          domain: fields.domain ?? null,
          customAttributes: JSON.stringify(withoutNulls(fields.customAttributes ?? {})),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Partial update; undefined when there is no such organization. */
    async update(id: string, fields: OrganizationWrite): Promise<Organization | undefined> {
      const { customAttributes, ...plain } = fields;
      return scope
        .updateTable('organizations')
        .set({
          ...plain,
          ...(customAttributes === undefined
            ? {}
            : {
                customAttributes:
                  customAttributes === null
                    ? sql`'{}'::jsonb`
                    : mergeAttributes('organizations', customAttributes),
              }),
          updatedAt: sql`now()`,
          // biome-ignore lint/suspicious/noExplicitAny: raw SQL values (jsonb merge, now()) per column.
        } as any)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    /** Contacts keep living: the foreign key sets their organization_id to null. */
    async delete(id: string): Promise<string | undefined> {
      const row = await scope
        .deleteFrom('organizations')
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },
  };
}
