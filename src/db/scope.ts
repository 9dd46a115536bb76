import {
  type DeleteQueryBuilder,
  type DeleteResult,
  type Kysely,
  type SelectQueryBuilder,
  sql,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import type { Database } from './schema.js';

/** Tables that belong to a workspace: only these can be reached through a scope. */
export type TenantTable = {
  [T in keyof Database]: Database[T] extends { workspaceId: unknown } ? T : never;
}[keyof Database];

const SNAKE: Record<TenantTable, string> = {
  apiKeys: 'api_keys',
  organizations: 'organizations',
  labels: 'labels',
  contacts: 'contacts',
  contactLabels: 'contact_labels',
  conversations: 'conversations',
  messages: 'messages',
  eventSequences: 'event_sequences',
  contactEvents: 'contact_events',
  attributeDefinitions: 'attribute_definitions',
  profiles: 'profiles',
  profileAttributes: 'profile_attributes',
  segments: 'segments',
};

/**
 * The tenancy rule, in one place: every query built here carries the workspace condition, so a
 * repository cannot forget it. Nothing else in `src/db` starts a query on a tenant table.
 */
export class WorkspaceScope {
  constructor(
    readonly db: Kysely<Database>,
    readonly workspaceId: string,
  ) {}

  /** `table.workspace_id = <this workspace>`, for raw SQL that joins tenant tables. */
  owns(table: TenantTable | string): ReturnType<typeof sql<boolean>> {
    const name = (SNAKE as Record<string, string>)[table] ?? table;
    return sql<boolean>`${sql.ref(`${name}.workspace_id`)} = ${this.workspaceId}`;
  }

  selectFrom<T extends TenantTable>(table: T): SelectQueryBuilder<Database, T, object> {
    // The generic `where` cannot be typed per table; the condition is the same SQL for all.
    return this.db
      .selectFrom(table as TenantTable)
      .where(this.owns(table)) as unknown as SelectQueryBuilder<Database, T, object>;
  }

  updateTable<T extends TenantTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    return this.db
      .updateTable(table as TenantTable)
      .where(this.owns(table)) as unknown as UpdateQueryBuilder<Database, T, T, UpdateResult>;
  }

  deleteFrom<T extends TenantTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult> {
    return this.db
      .deleteFrom(table as TenantTable)
      .where(this.owns(table)) as unknown as DeleteQueryBuilder<Database, T, DeleteResult>;
  }
}
