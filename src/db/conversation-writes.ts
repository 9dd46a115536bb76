import { sql } from 'kysely';
import { CONTACT_COLUMNS } from './contacts.js';
import type { Contact, Conversation, ConversationChannel, ConversationStatus } from './schema.js';
import type { WorkspaceScope } from './scope.js';

export type NewConversation = {
  contactId: string;
  channel: ConversationChannel;
  status: ConversationStatus;
  subject: string | null;
};

export type ConversationWrite = { status?: ConversationStatus; subject?: string | null };

/** resolved_at follows status: set when it becomes RESOLVED, cleared otherwise. */
const resolvedAtFor = (status: ConversationStatus) =>
  status === 'RESOLVED' ? sql<Date>`now()` : null;

/** Scoped conversation writes, and the contact side effects a conversation has. */
export function conversationWrites(scope: WorkspaceScope) {
  const workspaceId = scope.workspaceId;

  const liveContactBy = (key: 'email' | 'phone', value: string) =>
    scope
      .selectFrom('contacts')
      .select(CONTACT_COLUMNS)
      .where(key, '=', value)
      .where('deletedAt', 'is', null)
      .executeTakeFirst();

  async function findByKeys(keys: { email?: string; phone?: string }) {
    if (keys.email) {
      const byEmail = await liveContactBy('email', keys.email);
      if (byEmail) return byEmail;
    }
    return keys.phone ? liveContactBy('phone', keys.phone) : undefined;
  }

  return {
    /**
     * The live contact with this email (else phone), created when there is none. Race-safe: the
     * insert yields to the unique indexes (a racing insert commits first, we then read it).
     */
    async findOrCreateContact(keys: {
      email?: string;
      phone?: string;
    }): Promise<{ contact: Contact; created: boolean }> {
      const existing = await findByKeys(keys);
      if (existing) return { contact: existing, created: false };
      const inserted = await scope.db
        .insertInto('contacts')
        .values({
          workspaceId,
          email: keys.email ?? null,
          phone: keys.phone ?? null,
          customAttributes: '{}',
        })
        .onConflict((oc) => oc.doNothing())
        .returning(CONTACT_COLUMNS)
        .executeTakeFirst();
      if (inserted) return { contact: inserted, created: true };
      const winner = await findByKeys(keys);
      if (!winner) throw new Error('contact vanished between insert conflict and read');
      return { contact: winner, created: false };
    },

    async insert(fields: NewConversation): Promise<Conversation> {
      return scope.db
        .insertInto('conversations')
        .values({ ...fields, workspaceId, resolvedAt: resolvedAtFor(fields.status) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Partial update that counts as activity; undefined when there is no such conversation. */
    async update(id: string, fields: ConversationWrite): Promise<Conversation | undefined> {
      return scope
        .updateTable('conversations')
        .set({
          ...fields,
          ...(fields.status === undefined ? {} : { resolvedAt: resolvedAtFor(fields.status) }),
          updatedAt: sql`now()`,
          lastActivityAt: sql`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    /** A conversation is contact activity. */
    async touchContact(contactId: string): Promise<void> {
      await scope
        .updateTable('contacts')
        .set({ lastActivityAt: sql`now()`, updatedAt: sql`now()` })
        .where('id', '=', contactId)
        .execute();
    },
  };
}
