import { createHash } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import {
  type ContactSeed,
  type ConversationSeed,
  createFaker,
  type GraphSize,
  generateContact,
  generateConversation,
  generateLabels,
  generateOrganizations,
  type LabelSeed,
  type OrganizationSeed,
} from './generate.js';

/**
 * The same generators as the demo graph, cut into chunks so a workspace of millions of contacts
 * streams through a bounded amount of memory. Every chunk has its own seed: chunk k of
 * workspace w is the same whatever chunk size came before it, given the same chunk size.
 */

export type ContactChunk = {
  /** Workspace position of the chunk's first contact. */
  offset: number;
  contacts: ContactSeed[];
  /** `contact` is a workspace position (offset already added). */
  conversations: ConversationSeed[];
};

export const CONVERSATIONS_PER_CONTACT = 3;

/** A workspace of `contacts` contacts: ~1 organization per 100 (at least 50), 20 labels. */
export function workspaceSize(contacts: number): GraphSize {
  return {
    contacts,
    organizations: Math.max(50, Math.round(contacts / 100)),
    labels: 20,
    conversations: contacts * CONVERSATIONS_PER_CONTACT,
  };
}

/** A 32-bit seed from any parts: stable across runs and platforms. */
export function derivedSeed(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join(':')).digest().readUInt32LE(0);
}

/** Organizations and labels of workspace `workspace` (0-based) of a seeded dataset. */
export function workspaceHeader(seed: number, workspace: number, size: GraphSize) {
  const faker = createFaker(derivedSeed(seed, workspace, 'header'));
  const organizations = uniqueOrganizations(generateOrganizations(faker, size.organizations));
  const labels: LabelSeed[] = generateLabels(faker, size.labels);
  return { organizations, labels };
}

/** The generator can repeat a company name among the first 50; the schema keeps names unique. */
function uniqueOrganizations(organizations: OrganizationSeed[]): OrganizationSeed[] {
  const names = new Set<string>();
  const domains = new Set<string>();
  return organizations.map((o, i) => {
    const clash = names.has(o.name.toLowerCase()) || domains.has(o.domain);
    const unique = clash ? { ...o, name: `${o.name} ${i}`, domain: `${i}-${o.domain}` } : o;
    names.add(unique.name.toLowerCase());
    domains.add(unique.domain);
    return unique;
  });
}

/**
 * Contacts in chunks of `chunkSize`, each with its conversations, in workspace order. With a
 * `stride`, only chunks `first`, `first + stride`, …: workers can split a workspace between them.
 */
export function* contactChunks(
  seed: number,
  workspace: number,
  size: GraphSize,
  chunkSize: number,
  { first = 0, stride = 1 } = {},
): Generator<ContactChunk> {
  const faker = createFaker(0);
  for (let index = first; index * chunkSize < size.contacts; index += stride) {
    const offset = index * chunkSize;
    faker.seed(derivedSeed(seed, workspace, 'contacts', offset));
    const count = Math.min(chunkSize, size.contacts - offset);
    yield generateChunk(faker, size, offset, count);
  }
}

function generateChunk(faker: Faker, size: GraphSize, offset: number, count: number) {
  const contacts = Array.from({ length: count }, (_, i) =>
    generateContact(faker, offset + i, size),
  );
  // Spread the workspace's conversations evenly over chunks, exactly `size.conversations` in all.
  const share = (n: number) => Math.floor((size.conversations * n) / Math.max(1, size.contacts));
  const conversationCount = share(offset + count) - share(offset);
  const conversations = Array.from({ length: conversationCount }, () =>
    generateConversation(faker, contacts),
  );
  followConversations(contacts, conversations);
  for (const c of conversations) c.contact += offset;
  return { offset, contacts, conversations };
}

/** A contact's last activity is its latest conversation's (positions index `contacts`). */
export function followConversations(
  contacts: readonly ContactSeed[],
  conversations: readonly ConversationSeed[],
): void {
  for (const conversation of conversations) {
    const contact = contacts[conversation.contact] as ContactSeed;
    if (!contact.lastActivityAt || contact.lastActivityAt < conversation.lastActivityAt) {
      contact.lastActivityAt = conversation.lastActivityAt;
      if (contact.updatedAt < conversation.lastActivityAt)
        contact.updatedAt = conversation.lastActivityAt;
    }
  }
}
