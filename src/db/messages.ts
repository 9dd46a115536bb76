import { sql } from 'kysely';
import { buildKeyset, type PageArgs } from './keyset.js';
import { countPartitioned, fetchPartitionedPages } from './paging.js';
import type { Conversation, Message, MessageDirection } from './schema.js';
import type { WorkspaceScope } from './scope.js';

export type NewMessage = { conversationId: string; direction: MessageDirection; body: string };

/** Oldest first, as a conversation reads. */
const OLDEST_FIRST = buildKeyset(
  {
    CREATED_AT: { column: 'messages.created_at', key: 'messages.created_at', type: 'timestamptz' },
  },
  [{ field: 'CREATED_AT', direction: 'ASC' }],
  'messages.id',
);

/** Scoped reads and writes of messages. */
export function messagesRepository(scope: WorkspaceScope) {
  const ofConversation = (key: ReturnType<typeof sql<string>>) =>
    scope
      .selectFrom('messages')
      .selectAll('messages')
      .where(sql<boolean>`messages.conversation_id = ${key}`);

  return {
    byIds(ids: readonly string[]): Promise<Message[]> {
      return scope
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .execute();
    },

    /** `Conversation.messages` for a page of conversations in one statement. */
    pagesByConversation(conversationIds: readonly string[], args: PageArgs) {
      return fetchPartitionedPages<Message>(
        scope.db,
        conversationIds,
        ofConversation,
        OLDEST_FIRST,
        args,
      );
    },

    countByConversation(conversationIds: readonly string[]) {
      return countPartitioned(scope.db, conversationIds, ofConversation);
    },

    /**
     * Marks the conversation active (an INCOMING message reopens a RESOLVED one) and locks its
     * row for the rest of the transaction; undefined when there is no such conversation.
     */
    touchConversation(id: string, direction: MessageDirection): Promise<Conversation | undefined> {
      const reopen =
        direction === 'INCOMING'
          ? {
              status: sql<'OPEN'>`case when status = 'RESOLVED' then 'OPEN' else status end`,
              resolvedAt: sql<Date | null>`case when status = 'RESOLVED' then null else resolved_at end`,
            }
          : {};
      return scope
        .updateTable('conversations')
        .set({ ...reopen, updatedAt: sql`now()`, lastActivityAt: sql`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    insert(fields: NewMessage): Promise<Message> {
      return scope.db
        .insertInto('messages')
        .values({ ...fields, workspaceId: scope.workspaceId })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}
