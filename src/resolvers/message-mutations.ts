import type { Context } from '../context.js';
import type { MessageDirection } from '../db/schema.js';
import { type FieldError, NotFoundError } from '../errors.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

export type CreateMessageInput = {
  conversationId: string;
  body: string;
  direction: MessageDirection;
};

const BODY_MAX = 10000;

/** Trimmed body, 1-10000 characters. */
function parseBody(body: string, errors: FieldError[]) {
  const trimmed = body.trim();
  if (trimmed === '') {
    errors.push({ path: ['body'], message: 'cannot be empty' });
  } else if (trimmed.length > BODY_MAX) {
    errors.push({ path: ['body'], message: `must be at most ${BODY_MAX} characters` });
  }
  return trimmed;
}

/**
 * Adds a message to a conversation, in one transaction with its activity: the conversation's
 * and its contact's lastActivityAt move to now, and an INCOMING message reopens a RESOLVED
 * conversation.
 */
export async function createMessage(ctx: Context, input: CreateMessageInput) {
  const errors: FieldError[] = [];
  const conversationId = decodeReference(
    input.conversationId,
    'Conversation',
    ['conversationId'],
    errors,
  );
  const body = parseBody(input.body, errors);
  throwIfInvalid(errors);
  return guardWrite(() =>
    ctx.db.transaction(async (tx) => {
      const conversation = await tx.messages.touchConversation(
        conversationId as string,
        input.direction,
      );
      if (!conversation) {
        throw new NotFoundError(
          'conversationId',
          'conversationId: no such conversation in this workspace',
        );
      }
      const message = await tx.messages.insert({
        conversationId: conversation.id,
        direction: input.direction,
        body,
      });
      await tx.conversationWrites.touchContact(conversation.contactId);
      return { message, conversation };
    }),
  );
}
