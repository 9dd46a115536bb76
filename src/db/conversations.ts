import { sql } from 'kysely';
import {
  and,
  type Condition,
  type DateTimeFilter,
  dateTimeCondition,
  FALSE,
  type IdFilter,
  idCondition,
} from './filters.js';
import { buildKeyset, type PageArgs } from './keyset.js';
import { countPartitioned, fetchPage, fetchPartitionedPages } from './paging.js';
import type { Conversation, ConversationChannel, ConversationStatus } from './schema.js';
import type { WorkspaceScope } from './scope.js';

export type ConversationFilter = {
  status?: readonly ConversationStatus[] | null;
  channel?: readonly ConversationChannel[] | null;
  contactId?: IdFilter | null;
  createdAt?: DateTimeFilter | null;
  lastActivityAt?: DateTimeFilter | null;
};

/** Newest activity first, as every inbox lists them. */
const LATEST_FIRST = buildKeyset(
  {
    LAST_ACTIVITY_AT: {
      column: 'conversations.last_activity_at',
      key: 'conversations.last_activity_at',
      type: 'timestamptz',
    },
  },
  [{ field: 'LAST_ACTIVITY_AT', direction: 'DESC' }],
  'conversations.id',
);

function conversationCondition(f: ConversationFilter): Condition {
  const out: Condition[] = [];
  if (f.status != null) {
    out.push(f.status.length === 0 ? FALSE : sql`conversations.status = any(${f.status}::text[])`);
  }
  if (f.channel != null) {
    out.push(
      f.channel.length === 0 ? FALSE : sql`conversations.channel = any(${f.channel}::text[])`,
    );
  }
  if (f.contactId) out.push(idCondition('conversations.contact_id', f.contactId));
  if (f.createdAt) out.push(dateTimeCondition('conversations.created_at', f.createdAt));
  if (f.lastActivityAt)
    out.push(dateTimeCondition('conversations.last_activity_at', f.lastActivityAt));
  return and(out);
}

/** Scoped reads of conversations. */
export function conversationsRepository(scope: WorkspaceScope) {
  const matching = (filter?: ConversationFilter | null) => {
    const q = scope.selectFrom('conversations').selectAll('conversations');
    return filter ? q.where(conversationCondition(filter)) : q;
  };
  return {
    byIds(ids: readonly string[]): Promise<Conversation[]> {
      return scope
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .execute();
    },

    page(filter: ConversationFilter | null | undefined, args: PageArgs) {
      return fetchPage<Conversation>(scope.db, matching(filter), LATEST_FIRST, args);
    },

    /** `Contact.conversations` for a page of contacts in one statement. */
    pagesByContact(
      contactIds: readonly string[],
      filter: ConversationFilter | null,
      args: PageArgs,
    ) {
      return fetchPartitionedPages<Conversation>(
        scope.db,
        contactIds,
        (key) => matching(filter).where(sql<boolean>`conversations.contact_id = ${key}`),
        LATEST_FIRST,
        args,
      );
    },

    countByContact(contactIds: readonly string[], filter: ConversationFilter | null) {
      return countPartitioned(scope.db, contactIds, (key) =>
        matching(filter).where(sql<boolean>`conversations.contact_id = ${key}`),
      );
    },
  };
}
