import type { Conversation } from '../db/schema.js';
import {
  type CreateConversationInput as CreateInput,
  createConversation,
  type UpdateConversationInput as UpdateInput,
  updateConversation,
} from '../resolvers/conversation-mutations.js';
import { builder } from './builder.js';
import { ConversationChannel, ConversationStatus } from './conversation.js';
import { NotFoundError, ValidationError } from './errors.js';
import { resultMutation } from './mutation.js';
import { ConversationRef } from './refs.js';

const CreateConversationInput = builder.inputRef<CreateInput>('CreateConversationInput').implement({
  description:
    'A new conversation, with a contact given by `contactId`, or found or created by `email` ' +
    'and/or `phone`.',
  fields: (t) => ({
    contactId: t.id({ description: 'The contact; leave out to use email/phone instead.' }),
    email: t.string({
      description: 'Email of the contact to find, or to create when no live contact has it.',
    }),
    phone: t.string({
      description:
        'Phone of the contact to find or create (any common format; the workspace’s default ' +
        'region applies to numbers without a country code).',
    }),
    channel: t.field({
      type: ConversationChannel,
      required: true,
      description: 'Where it happens.',
    }),
    subject: t.string({ description: 'Subject line or topic; trimmed, ≤ 1000 characters.' }),
    status: t.field({
      type: ConversationStatus,
      description:
        'Initial status; default OPEN. A blocked contact’s conversation starts RESOLVED.',
    }),
  }),
});

const UpdateConversationInput = builder.inputRef<UpdateInput>('UpdateConversationInput').implement({
  description: 'Changes to a conversation: fields left out stay. Counts as activity.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The conversation to change.' }),
    status: t.field({
      type: ConversationStatus,
      description: 'New status; RESOLVED sets `resolvedAt`, any other status clears it.',
    }),
    subject: t.string({ description: 'New subject; null or empty clears it.' }),
  }),
});

const CreateConversationSuccess = builder
  .objectRef<{ conversation: Conversation; contactCreated: boolean }>('CreateConversationSuccess')
  .implement({
    description: 'The started conversation, and whether its contact was created for it.',
    fields: (t) => ({
      conversation: t.field({
        type: ConversationRef,
        description: 'The new conversation.',
        resolve: (p) => p.conversation,
      }),
      contactCreated: t.exposeBoolean('contactCreated', {
        description: 'true: no live contact had the email/phone, so one was created.',
      }),
    }),
  });

const UpdateConversationSuccess = builder
  .objectRef<{ conversation: Conversation }>('UpdateConversationSuccess')
  .implement({
    description: 'The changed conversation.',
    fields: (t) => ({
      conversation: t.field({
        type: ConversationRef,
        description: 'The conversation after the change.',
        resolve: (p) => p.conversation,
      }),
    }),
  });

resultMutation('createConversation', {
  description: 'Starts a conversation with a contact, finding or creating it by email/phone.',
  input: CreateConversationInput,
  success: CreateConversationSuccess,
  errors: [ValidationError, NotFoundError],
  resolve: createConversation,
});

resultMutation('updateConversation', {
  description: 'Changes a conversation’s status or subject.',
  input: UpdateConversationInput,
  success: UpdateConversationSuccess,
  errors: [ValidationError, NotFoundError],
  resolve: updateConversation,
});
