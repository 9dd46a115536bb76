import { batchLoader, type Context } from '../context.js';
import type { PageArgs } from '../db/keyset.js';
import type { ConversationStatus } from '../db/schema.js';
import { type ConversationFilterInput, toConversationFilter } from './filters.js';

export function listConversations(
  ctx: Context,
  args: PageArgs & { filter?: ConversationFilterInput | null },
) {
  return ctx.db.conversations.page(args.filter ? toConversationFilter(args.filter) : null, args);
}

/** `Contact.conversations`: newest first, one statement for every contact of the response. */
export async function contactConversations(
  ctx: Context,
  contactId: string,
  args: PageArgs & { status?: ConversationStatus | null },
) {
  const filter = args.status ? { status: [args.status] } : null;
  const page = await batchLoader(ctx, 'Contact.conversations', args, (ids) =>
    ctx.db.conversations.pagesByContact(ids, filter, args),
  ).load(contactId);
  const counts = batchLoader(ctx, 'Contact.conversations.totalCount', filter, (ids) =>
    ctx.db.conversations.countByContact(ids, filter),
  );
  return { ...page, totalCount: async () => (await counts.load(contactId)) ?? 0 };
}
