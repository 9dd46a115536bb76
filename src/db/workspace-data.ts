import { type Kysely, sql } from 'kysely';
import type { Logger } from '../logger.js';
import { attributeDefinitionWrites } from './attribute-definition-writes.js';
import { syncAttributeIndexes } from './attribute-indexes.js';
import {
  type AttributeSchema,
  type AttributeSchemaCache,
  loadAttributeSchema,
} from './attribute-schema.js';
import { contactBatch } from './contact-batch.js';
import { contactEventsRepository } from './contact-events.js';
import { contactWrites } from './contact-writes.js';
import { contactsRepository } from './contacts.js';
import { conversationWrites } from './conversation-writes.js';
import { conversationsRepository } from './conversations.js';
import { labelWrites } from './label-writes.js';
import { labelsRepository } from './labels.js';
import { messagesRepository } from './messages.js';
import { organizationWrites } from './organization-writes.js';
import { organizationsRepository } from './organizations.js';
import { profileWrites } from './profile-writes.js';
import type { AttributeDefinition, Database } from './schema.js';
import { WorkspaceScope } from './scope.js';
import { segmentsRepository } from './segments.js';
import { findWorkspace, updateWorkspace } from './workspaces.js';

/** The advisory lock class of attribute schemas ("cgat"); the workspace id is the object. */
const ATTRIBUTE_SCHEMA_LOCK = 0x63676174;

/**
 * Everything a request may read or write, bound to the authenticated workspace. The request
 * context holds one of these; there is no unscoped handle next to it.
 */
export function createWorkspaceData(
  db: Kysely<Database>,
  workspaceId: string,
  hooks: WorkspaceDataHooks = {},
): WorkspaceData {
  const scope = new WorkspaceScope(db, workspaceId);
  let attributeSchema: Promise<AttributeSchema> | undefined;
  return {
    workspaceId,
    /**
     * The attribute schema, read once per request (or transaction) on first use; `reload`
     * reads it again (after a definition or profile changed it).
     */
    attributeSchema: (options) => {
      if (options?.reload) attributeSchema = undefined;
      const { schemaCache, schemaVersion } = hooks;
      if (!attributeSchema && schemaCache && schemaVersion !== undefined && !options?.reload) {
        const cached = schemaCache.get(workspaceId, BigInt(schemaVersion));
        if (cached) attributeSchema = Promise.resolve(cached);
      }
      attributeSchema ??= loadAttributeSchema(scope).then((schema) => {
        schemaCache?.put(workspaceId, schema);
        return schema;
      });
      return attributeSchema;
    },
    /**
     * The same access for a later unit of work in a long-lived request (a subscription's next
     * page of events): nothing memoized carries over, and the attribute schema, when that work
     * needs it, is read from the database — the version the key lookup saw is long gone, and
     * the cache may not hold a change whose events are being delivered yet.
     */
    renewed: () => createWorkspaceData(db, workspaceId, { ...hooks, schemaVersion: undefined }),
    /** After a definition's transaction commits: its expression indexes follow its type. */
    async syncAttributeIndexes(definition) {
      try {
        await syncAttributeIndexes(db, definition);
      } catch (error) {
        // The definition is committed and correct without its index (only slower to filter
        // and sort); the next change of it retries. A caller without a log sees the error.
        if (!hooks.log) throw error;
        hooks.log.error('attribute index sync failed', {
          definitionId: definition.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
    /**
     * Holds the workspace's attribute schema until the transaction ends: `exclusive` for a change
     * of definitions or profiles, `shared` for a contact write validated against them. So a value
     * is never validated against a schema that changes before it commits.
     */
    async lockAttributeSchema(mode) {
      const fn = mode === 'exclusive' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
      await sql`select ${sql.raw(fn)}(${ATTRIBUTE_SCHEMA_LOCK}, ${workspaceId}::int)`.execute(db);
    },
    workspace: () => findWorkspace(db, workspaceId),
    updateWorkspace: (patch) => updateWorkspace(db, workspaceId, patch),
    contacts: contactsRepository(scope),
    contactWrites: contactWrites(scope),
    contactBatch: contactBatch(scope),
    organizationWrites: organizationWrites(scope),
    labelWrites: labelWrites(scope),
    attributeDefinitionWrites: attributeDefinitionWrites(scope),
    profileWrites: profileWrites(scope),
    conversationWrites: conversationWrites(scope),
    organizations: organizationsRepository(scope),
    labels: labelsRepository(scope),
    conversations: conversationsRepository(scope),
    messages: messagesRepository(scope),
    contactEvents: contactEventsRepository(scope),
    segments: segmentsRepository(scope),
    /**
     * Runs `work` in one transaction, with data access bound to it; all or nothing. Its contact
     * events are numbered and stored at COMMIT (see the events migration).
     */
    async transaction<T>(work: (tx: WorkspaceData) => Promise<T>): Promise<T> {
      const result = await db
        .transaction()
        .execute((tx) => work(createWorkspaceData(tx, workspaceId)));
      hooks.afterCommit?.(workspaceId);
      return result;
    },
  };
}

export type WorkspaceDataHooks = {
  /** The process's attribute schemas, and the version the request's key lookup saw. */
  schemaCache?: AttributeSchemaCache;
  schemaVersion?: string;
  /** Where failures of after-commit maintenance (attribute indexes) are reported. */
  log?: Logger;
  /** After a write transaction commits: wakes event subscribers (the bus). */
  afterCommit?: (workspaceId: string) => void;
};

export type WorkspaceData = {
  workspaceId: string;
  attributeSchema: (options?: { reload?: boolean }) => Promise<AttributeSchema>;
  syncAttributeIndexes: (definition: AttributeDefinition) => Promise<void>;
  lockAttributeSchema: (mode: 'shared' | 'exclusive') => Promise<void>;
  renewed: () => WorkspaceData;
  workspace: () => ReturnType<typeof findWorkspace>;
  updateWorkspace: (
    patch: Parameters<typeof updateWorkspace>[2],
  ) => ReturnType<typeof updateWorkspace>;
  contacts: ReturnType<typeof contactsRepository>;
  contactWrites: ReturnType<typeof contactWrites>;
  contactBatch: ReturnType<typeof contactBatch>;
  organizationWrites: ReturnType<typeof organizationWrites>;
  labelWrites: ReturnType<typeof labelWrites>;
  attributeDefinitionWrites: ReturnType<typeof attributeDefinitionWrites>;
  profileWrites: ReturnType<typeof profileWrites>;
  conversationWrites: ReturnType<typeof conversationWrites>;
  organizations: ReturnType<typeof organizationsRepository>;
  labels: ReturnType<typeof labelsRepository>;
  conversations: ReturnType<typeof conversationsRepository>;
  messages: ReturnType<typeof messagesRepository>;
  contactEvents: ReturnType<typeof contactEventsRepository>;
  segments: ReturnType<typeof segmentsRepository>;
  transaction<T>(work: (tx: WorkspaceData) => Promise<T>): Promise<T>;
};
