import type { ContactChunk } from '../demo/chunks.js';
import { copyLine } from './copy.js';

/**
 * COPY text for one chunk of generated contacts, their label links and conversations. Pure, so
 * it can run in a worker thread while the main thread streams the previous chunk to the server.
 */

export const CONTACT_COLUMNS = [
  'id',
  'workspace_id',
  'external_id',
  'name',
  'given_name',
  'last_name',
  'email',
  'phone',
  'avatar_url',
  'timezone',
  'location',
  'country_code',
  'blocked',
  'organization_id',
  'custom_attributes',
  'created_at',
  'updated_at',
  'last_activity_at',
] as const;

export const LINK_COLUMNS = ['workspace_id', 'contact_id', 'label_id'] as const;

/** No id: conversation ids come from the identity column, nothing here refers to them. */
export const CONVERSATION_COLUMNS = [
  'workspace_id',
  'contact_id',
  'channel',
  'status',
  'subject',
  'created_at',
  'updated_at',
  'last_activity_at',
  'resolved_at',
] as const;

/** First ids of the ranges reserved for the workspace; row `i` of a kind gets `first + i`. */
export type FirstIds = { organization: number; label: number; contact: number };

export type EncodedChunk = {
  contacts: string;
  links: string;
  conversations: string;
  counts: { contacts: number; links: number; conversations: number };
};

export function encodeChunk(chunk: ContactChunk, workspaceId: string, ids: FirstIds): EncodedChunk {
  let contacts = '';
  let links = '';
  let linkCount = 0;
  chunk.contacts.forEach((c, i) => {
    const id = ids.contact + chunk.offset + i;
    contacts += copyLine([
      id,
      workspaceId,
      c.externalId,
      c.name,
      c.givenName,
      c.lastName,
      c.email,
      c.phone,
      c.avatarUrl,
      c.timezone,
      c.location,
      c.countryCode,
      c.blocked,
      c.organization === null ? null : ids.organization + c.organization,
      c.customAttributes,
      c.createdAt,
      c.updatedAt,
      c.lastActivityAt,
    ]);
    for (const label of c.labels) links += copyLine([workspaceId, id, ids.label + label]);
    linkCount += c.labels.length;
  });
  let conversations = '';
  for (const c of chunk.conversations) {
    conversations += copyLine([
      workspaceId,
      ids.contact + c.contact,
      c.channel,
      c.status,
      c.subject,
      c.createdAt,
      c.lastActivityAt,
      c.lastActivityAt,
      c.status === 'RESOLVED' ? c.lastActivityAt : null,
    ]);
  }
  return {
    contacts,
    links,
    conversations,
    counts: {
      contacts: chunk.contacts.length,
      links: linkCount,
      conversations: chunk.conversations.length,
    },
  };
}
