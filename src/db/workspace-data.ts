import type { Kysely } from 'kysely';
import { contactsRepository } from './contacts.js';
import { conversationsRepository } from './conversations.js';
import { labelsRepository } from './labels.js';
import { organizationsRepository } from './organizations.js';
import type { Database } from './schema.js';
import { WorkspaceScope } from './scope.js';
import { findWorkspace } from './workspaces.js';

/**
 * Everything a request may read or write, bound to the authenticated workspace. The request
 * context holds one of these; there is no unscoped handle next to it.
 */
export function createWorkspaceData(db: Kysely<Database>, workspaceId: string) {
  const scope = new WorkspaceScope(db, workspaceId);
  return {
    workspaceId,
    workspace: () => findWorkspace(db, workspaceId),
    contacts: contactsRepository(scope),
    organizations: organizationsRepository(scope),
    labels: labelsRepository(scope),
    conversations: conversationsRepository(scope),
  };
}

export type WorkspaceData = ReturnType<typeof createWorkspaceData>;
