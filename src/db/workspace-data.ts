import type { Kysely } from 'kysely';
import { type AttributeSchema, loadAttributeSchema } from './attribute-schema.js';
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
import type { Database } from './schema.js';
import { WorkspaceScope } from './scope.js';
import { findWorkspace, updateWorkspace } from './workspaces.js';

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
    /** The attribute schema, read once per request (or transaction) on first use. */
    attributeSchema: () => {
      attributeSchema ??= loadAttributeSchema(scope);
      return attributeSchema;
    },
    workspace: () => findWorkspace(db, workspaceId),
    updateWorkspace: (patch) => updateWorkspace(db, workspaceId, patch),
    contacts: contactsRepository(scope),
    contactWrites: contactWrites(scope),
    contactBatch: contactBatch(scope),
    organizationWrites: organizationWrites(scope),
    labelWrites: labelWrites(scope),
    conversationWrites: conversationWrites(scope),
    organizations: organizationsRepository(scope),
    labels: labelsRepository(scope),
    conversations: conversationsRepository(scope),
    messages: messagesRepository(scope),
    contactEvents: contactEventsRepository(scope),
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
  /** After a write transaction commits: wakes event subscribers (the bus). */
  afterCommit?: (workspaceId: string) => void;
};

export type WorkspaceData = {
  workspaceId: string;
  attributeSchema: () => Promise<AttributeSchema>;
  workspace: () => ReturnType<typeof findWorkspace>;
  updateWorkspace: (
    patch: Parameters<typeof updateWorkspace>[2],
  ) => ReturnType<typeof updateWorkspace>;
  contacts: ReturnType<typeof contactsRepository>;
  contactWrites: ReturnType<typeof contactWrites>;
  contactBatch: ReturnType<typeof contactBatch>;
  organizationWrites: ReturnType<typeof organizationWrites>;
  labelWrites: ReturnType<typeof labelWrites>;
  conversationWrites: ReturnType<typeof conversationWrites>;
  organizations: ReturnType<typeof organizationsRepository>;
  labels: ReturnType<typeof labelsRepository>;
  conversations: ReturnType<typeof conversationsRepository>;
  messages: ReturnType<typeof messagesRepository>;
  contactEvents: ReturnType<typeof contactEventsRepository>;
  transaction<T>(work: (tx: WorkspaceData) => Promise<T>): Promise<T>;
};
