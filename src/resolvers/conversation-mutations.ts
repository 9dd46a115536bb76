import type { Context } from '../context.js';
import type { ConversationWrite } from '../db/conversation-writes.js';
import type { ConversationChannel, ConversationStatus } from '../db/schema.js';
import { type FieldError, NotFoundError } from '../errors.js';
import { parseContactInput } from '../validation/contact.js';
import { decodeReference, guardWrite, throwIfInvalid } from './write-errors.js';

export type CreateConversationInput = {
  contactId?: string | null;
  email?: string | null;
  phone?: string | null;
  channel: ConversationChannel;
  subject?: string | null;
  status?: ConversationStatus | null;
};

export type UpdateConversationInput = {
  id: string;
  status?: ConversationStatus | null;
  subject?: string | null;
};

const SUBJECT_MAX = 1000;

/** Trimmed subject; empty means none. */
function parseSubject(subject: string | null | undefined, errors: FieldError[]) {
  if (subject == null) return subject;
  const trimmed = subject.trim();
  if (trimmed.length > SUBJECT_MAX) {
    errors.push({ path: ['subject'], message: `must be at most ${SUBJECT_MAX} characters` });
    return undefined;
  }
  return trimmed === '' ? null : trimmed;
}

/** Who the conversation is with: a contact by id, or an email and/or phone to find or create. */
async function parseParty(ctx: Context, input: CreateConversationInput, errors: FieldError[]) {
  const hasKeys = input.email != null || input.phone != null;
  if (input.contactId != null) {
    if (hasKeys) {
      errors.push({
        path: ['contactId'],
        message: 'give either contactId or email/phone, not both',
      });
      return undefined;
    }
    const id = decodeReference(input.contactId, 'Contact', ['contactId'], errors);
    return id === undefined ? undefined : { contactId: id };
  }
  if (!hasKeys) {
    errors.push({ path: ['contactId'], message: 'is required unless email or phone is given' });
    return undefined;
  }
  const workspace = await ctx.db.workspace();
  const parsed = parseContactInput(
    { email: input.email, phone: input.phone },
    { mode: 'create', phoneRegion: workspace?.defaultPhoneRegion },
  );
  errors.push(...parsed.errors);
  const { email, phone } = parsed.fields;
  if (parsed.errors.length === 0 && !email && !phone) {
    errors.push({ path: ['email'], message: 'is required unless contactId or phone is given' });
  }
  return {
    keys: { ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
  };
}

const notFound = (field: string, what: string) =>
  new NotFoundError(field, `${field}: no such ${what} in this workspace`);

/**
 * Starts a conversation. With email/phone the contact is found or created in the same
 * transaction; a blocked contact's conversation starts resolved. Either way it is activity.
 */
export async function createConversation(ctx: Context, input: CreateConversationInput) {
  const errors: FieldError[] = [];
  const party = await parseParty(ctx, input, errors);
  const subject = parseSubject(input.subject, errors);
  if (input.status === null) {
    errors.push({ path: ['status'], message: 'cannot be null; leave it out for OPEN' });
  }
  throwIfInvalid(errors);
  if (!party) throw new Error('unreachable: party parsed without errors');
  return guardWrite(() =>
    ctx.db.transaction(async (tx) => {
      let contactCreated = false;
      let contact =
        'contactId' in party ? await tx.contacts.find({ id: party.contactId }) : undefined;
      if ('keys' in party && party.keys) {
        const found = await tx.conversationWrites.findOrCreateContact(party.keys);
        contact = found.contact;
        contactCreated = found.created;
      }
      if (!contact) throw notFound('contactId', 'contact');
      const status = contact.blocked ? 'RESOLVED' : (input.status ?? 'OPEN');
      const conversation = await tx.conversationWrites.insert({
        contactId: contact.id,
        channel: input.channel,
        status,
        subject: subject ?? null,
      });
      await tx.conversationWrites.touchContact(contact.id);
      return { conversation, contactCreated };
    }),
  );
}

/** Changes status or subject; RESOLVED stamps resolvedAt, any other status clears it. */
export async function updateConversation(ctx: Context, input: UpdateConversationInput) {
  const errors: FieldError[] = [];
  const id = decodeReference(input.id, 'Conversation', ['id'], errors);
  const write: ConversationWrite = {};
  if (input.status === null) {
    errors.push({ path: ['status'], message: 'cannot be null' });
  } else if (input.status !== undefined) write.status = input.status;
  const subject = parseSubject(input.subject, errors);
  if (subject !== undefined) write.subject = subject;
  throwIfInvalid(errors);
  const conversation = await ctx.db.transaction((tx) =>
    tx.conversationWrites.update(id as string, write),
  );
  if (!conversation) throw notFound('id', 'conversation');
  return { conversation };
}
