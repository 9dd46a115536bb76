import { listConversations } from '../resolvers/conversations.js';
import type { ConversationFilterInput } from '../resolvers/filters.js';
import { builder } from './builder.js';
import { DateTimeFilter, IDFilter } from './filters.js';
import { ContactRef, ConversationConnection, ConversationRef } from './refs.js';

export const ConversationStatus = builder.enumType('ConversationStatus', {
  description: 'Where a conversation stands.',
  values: {
    OPEN: { description: 'Waiting for an agent.' },
    PENDING: { description: 'Waiting for the contact or a bot.' },
    SNOOZED: { description: 'Put aside until later.' },
    RESOLVED: { description: 'Done.' },
  },
});

export const ConversationChannel = builder.enumType('ConversationChannel', {
  description: 'Where a conversation happens.',
  values: {
    CHAT: { description: 'Live chat.' },
    WIDGET: { description: 'The website widget.' },
    EMAIL: { description: 'Email.' },
    PHONE: { description: 'Phone call or SMS.' },
    API: { description: 'Created through the API by an integration.' },
  },
});

export const ConversationFilter = builder
  .inputRef<ConversationFilterInput>('ConversationFilter')
  .implement({
    description: 'Which conversations to return; all given conditions must hold.',
    fields: (t) => ({
      status: t.field({ type: [ConversationStatus], description: 'In one of these statuses.' }),
      channel: t.field({ type: [ConversationChannel], description: 'On one of these channels.' }),
      contactId: t.field({ type: IDFilter, description: 'With this contact.' }),
      createdAt: t.field({ type: DateTimeFilter, description: 'Creation time.' }),
      lastActivityAt: t.field({ type: DateTimeFilter, description: 'Latest activity.' }),
    }),
  });

ConversationRef.implement({
  description: 'One exchange with a contact on a channel.',
  fields: (t) => ({
    contact: t.field({
      type: ContactRef,
      description: 'Who the conversation is with.',
      resolve: (c) => c.contactId,
    }),
    channel: t.field({
      type: ConversationChannel,
      description: 'Where it happens.',
      resolve: (c) => c.channel,
    }),
    status: t.field({
      type: ConversationStatus,
      description: 'Where it stands.',
      resolve: (c) => c.status,
    }),
    subject: t.exposeString('subject', { nullable: true, description: 'Subject line or topic.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it started.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
    lastActivityAt: t.expose('lastActivityAt', {
      type: 'DateTime',
      description: 'Latest message or status change.',
    }),
    resolvedAt: t.expose('resolvedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last resolved; null unless resolved.',
    }),
  }),
});

builder.queryFields((t) => ({
  conversations: t.connection(
    {
      type: ConversationRef,
      description: 'Conversations of the workspace, newest activity first.',
      args: {
        filter: t.arg({ type: ConversationFilter, description: 'Which conversations to return.' }),
      },
      resolve: (_root, args, ctx) => listConversations(ctx, args),
    },
    ConversationConnection,
  ),
}));
