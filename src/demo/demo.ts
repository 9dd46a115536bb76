import type { Kysely } from 'kysely';
import { createApiKey } from '../db/api-keys.js';
import type { Database } from '../db/schema.js';
import { type GraphRows, insertGraph } from '../db/seed.js';
import { createWorkspace } from '../db/workspaces.js';
import { followConversations } from './chunks.js';
import {
  type ContactSeed,
  createFaker,
  DEMO_SIZE,
  type GraphSize,
  generateContact,
  generateConversation,
  generateLabels,
  generateOrganizations,
} from './generate.js';

/** A whole graph for one workspace; contacts' last activity follows their conversations. */
export function generateGraph(seed: number, size: GraphSize): GraphRows {
  const faker = createFaker(seed);
  const organizations = generateOrganizations(faker, size.organizations);
  const labels = generateLabels(faker, size.labels);
  const contacts: ContactSeed[] = Array.from({ length: size.contacts }, (_, i) =>
    generateContact(faker, i, size),
  );
  const conversations = Array.from({ length: contacts.length ? size.conversations : 0 }, () =>
    generateConversation(faker, contacts),
  );
  followConversations(contacts, conversations);
  return { organizations, labels, contacts, conversations };
}

/** The workspace `npm start` creates on an empty database, with a key that can do everything. */
export async function createDemoWorkspace(db: Kysely<Database>, size: GraphSize = DEMO_SIZE) {
  const graph = generateGraph(42, size);
  return db.transaction().execute(async (tx) => {
    const workspace = await createWorkspace(tx, 'Demo workspace');
    await insertGraph(tx, workspace.id, graph);
    const key = await createApiKey(tx, workspace.id, ['read', 'write', 'admin'], 'demo');
    return { workspaceId: workspace.id, apiKey: key.key };
  });
}
