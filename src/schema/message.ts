import type { Conversation, Message } from '../db/schema.js';
import {
  type CreateMessageInput as CreateInput,
  createMessage,
} from '../resolvers/message-mutations.js';
import { conversationMessages } from '../resolvers/messages.js';
import { builder } from './builder.js';
import { NotFoundError, ValidationError } from './errors.js';
import { resultMutation } from './mutation.js';
import { ConversationRef, MessageConnection, MessageRef } from './refs.js';

export const MessageDirection = builder.enumType('MessageDirection', {
  description: 'Who wrote a message.',
  values: {
    INCOMING: { description: 'From the contact; reopens a resolved conversation.' },
    OUTGOING: { description: 'To the contact, from an agent, bot or integration.' },
  },
});

MessageRef.implement({
  description: 'One message of a conversation.',
  fields: (t) => ({
    conversation: t.field({
      type: ConversationRef,
      description: 'The conversation it belongs to.',
      resolve: (m) => m.conversationId,
    }),
    direction: t.field({
      type: MessageDirection,
      description: 'Who wrote it.',
      resolve: (m) => m.direction,
    }),
    body: t.exposeString('body', { description: 'The text, 1-10000 characters.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
  }),
});

builder.objectFields(ConversationRef, (t) => ({
  messages: t.connection(
    {
      type: MessageRef,
      description: 'The conversation’s messages, oldest first.',
      resolve: (c, args, ctx) => conversationMessages(ctx, c.id, args),
    },
    MessageConnection,
  ),
}));

const CreateMessageInput = builder.inputRef<CreateInput>('CreateMessageInput').implement({
  description: 'A new message in a conversation.',
  fields: (t) => ({
    conversationId: t.id({ required: true, description: 'The conversation.' }),
    body: t.string({ required: true, description: 'The text; trimmed, 1-10000 characters.' }),
    direction: t.field({
      type: MessageDirection,
      required: true,
      description: 'Who wrote it; INCOMING reopens a RESOLVED conversation.',
    }),
  }),
});

const CreateMessageSuccess = builder
  .objectRef<{ message: Message; conversation: Conversation }>('CreateMessageSuccess')
  .implement({
    description: 'The new message, and its conversation after the activity.',
    fields: (t) => ({
      message: t.field({
        type: MessageRef,
        description: 'The new message.',
        resolve: (p) => p.message,
      }),
      conversation: t.field({
        type: ConversationRef,
        description: 'The conversation, with its new lastActivityAt (and status, if reopened).',
        resolve: (p) => p.conversation,
      }),
    }),
  });

resultMutation('createMessage', {
  description:
    'Adds a message to a conversation; it is activity of the conversation and its contact.',
  input: CreateMessageInput,
  success: CreateMessageSuccess,
  errors: [ValidationError, NotFoundError],
  resolve: createMessage,
});
