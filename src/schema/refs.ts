import type { Contact, Conversation, Label, Message, Organization } from '../db/schema.js';
import { builder } from './builder.js';

/**
 * Node types and their connections, declared before their fields so domain files can refer to
 * each other (Contact ↔ Organization ↔ Label) without import cycles. Each node loads through
 * the request's workspace-scoped data access, batched per request.
 */
export const ContactRef = builder.loadableNodeRef<Contact, string, string>('Contact', {
  id: { resolve: (c) => c.id },
  load: (ids, ctx) => ctx.db.contacts.byIds(ids),
  sort: (c) => c.id,
});

export const OrganizationRef = builder.loadableNodeRef<Organization, string, string>(
  'Organization',
  {
    id: { resolve: (o) => o.id },
    load: (ids, ctx) => ctx.db.organizations.byIds(ids),
    sort: (o) => o.id,
  },
);

export const LabelRef = builder.loadableNodeRef<Label, string, string>('Label', {
  id: { resolve: (l) => l.id },
  load: (ids, ctx) => ctx.db.labels.byIds(ids),
  sort: (l) => l.id,
});

export const ConversationRef = builder.loadableNodeRef<Conversation, string, string>(
  'Conversation',
  {
    id: { resolve: (c) => c.id },
    load: (ids, ctx) => ctx.db.conversations.byIds(ids),
    sort: (c) => c.id,
  },
);

export const MessageRef = builder.loadableNodeRef<Message, string, string>('Message', {
  id: { resolve: (m) => m.id },
  load: (ids, ctx) => ctx.db.messages.byIds(ids),
  sort: (m) => m.id,
});

const totalCount = (what: string) => ({
  description: `How many ${what} match, across all pages.`,
});

export const ContactConnection = builder.connectionObject(
  {
    type: ContactRef,
    name: 'ContactConnection',
    description: 'A page of contacts (Relay cursor connection).',
    fields: (t) => ({
      totalCount: t.int({ ...totalCount('contacts'), resolve: (c) => c.totalCount() }),
    }),
  },
  { name: 'ContactEdge', description: 'A contact with its cursor.' },
);

export const OrganizationConnection = builder.connectionObject(
  {
    type: OrganizationRef,
    name: 'OrganizationConnection',
    description: 'A page of organizations (Relay cursor connection).',
    fields: (t) => ({
      totalCount: t.int({ ...totalCount('organizations'), resolve: (c) => c.totalCount() }),
    }),
  },
  { name: 'OrganizationEdge', description: 'An organization with its cursor.' },
);

export const LabelConnection = builder.connectionObject(
  {
    type: LabelRef,
    name: 'LabelConnection',
    description: 'A page of labels (Relay cursor connection).',
    fields: (t) => ({
      totalCount: t.int({ ...totalCount('labels'), resolve: (c) => c.totalCount() }),
    }),
  },
  { name: 'LabelEdge', description: 'A label with its cursor.' },
);

export const ConversationConnection = builder.connectionObject(
  {
    type: ConversationRef,
    name: 'ConversationConnection',
    description: 'A page of conversations (Relay cursor connection).',
    fields: (t) => ({
      totalCount: t.int({ ...totalCount('conversations'), resolve: (c) => c.totalCount() }),
    }),
  },
  { name: 'ConversationEdge', description: 'A conversation with its cursor.' },
);

export const MessageConnection = builder.connectionObject(
  {
    type: MessageRef,
    name: 'MessageConnection',
    description: 'A page of messages (Relay cursor connection).',
    fields: (t) => ({
      totalCount: t.int({ ...totalCount('messages'), resolve: (c) => c.totalCount() }),
    }),
  },
  { name: 'MessageEdge', description: 'A message with its cursor.' },
);
