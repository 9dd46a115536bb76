import { batchLoader, type Context } from '../context.js';
import type { PageArgs } from '../db/keyset.js';

/** `Conversation.messages`: oldest first, one statement for every conversation of the response. */
export async function conversationMessages(ctx: Context, conversationId: string, args: PageArgs) {
  const page = await batchLoader(ctx, 'Conversation.messages', args, (ids) =>
    ctx.db.messages.pagesByConversation(ids, args),
  ).load(conversationId);
  const counts = batchLoader(ctx, 'Conversation.messages.totalCount', null, (ids) =>
    ctx.db.messages.countByConversation(ids),
  );
  return { ...page, totalCount: async () => (await counts.load(conversationId)) ?? 0 };
}
