import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/global-id.js';
import { graphql } from './gql/index.js';
import { dataOf, type GraphQLResponse, startTestServer, type TestServer } from './harness.js';

/**
 * Messages through the server: a message is activity of its conversation and contact, an
 * INCOMING one reopens a resolved conversation, bad input and other workspaces' conversations
 * write nothing, read-only keys may not write, and `Conversation.messages` pages oldest first
 * in a constant number of statements.
 */

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
const time = (value: string | null | undefined) => new Date(value as string).getTime();

const CreateMessage = graphql(`
  mutation MessagesCreate($input: CreateMessageInput!) {
    createMessage(input: $input) {
      __typename
      ... on CreateMessageSuccess {
        message { id direction body createdAt conversation { id } }
        conversation {
          id
          status
          resolvedAt
          lastActivityAt
          updatedAt
          contact { id lastActivityAt updatedAt }
        }
      }
      ... on ValidationError { code fieldErrors { path message } }
      ... on NotFoundError { code field }
    }
  }
`);

const StartConversation = graphql(`
  mutation MessagesStartConversation($input: CreateConversationInput!) {
    createConversation(input: $input) {
      __typename
      ... on CreateConversationSuccess {
        conversation { id status resolvedAt lastActivityAt contact { id lastActivityAt } }
      }
    }
  }
`);

const ConversationMessages = graphql(`
  query MessagesOfConversation(
    $id: ID!
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    node(id: $id) {
      ... on Conversation {
        status
        lastActivityAt
        contact { lastActivityAt }
        messages(first: $first, after: $after, last: $last, before: $before) {
          totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { id body direction conversation { id } } }
        }
      }
    }
  }
`);

const MessageNode = graphql(`
  query MessagesNode($id: ID!) {
    node(id: $id) { id ... on Message { body direction createdAt conversation { id } } }
  }
`);

const InboxWithMessages = graphql(`
  query MessagesInbox($first: Int!) {
    conversations(first: $first) {
      edges {
        node { id messages(first: 3) { totalCount edges { node { id body } } } }
      }
    }
  }
`);

async function startConversation(
  status: 'OPEN' | 'RESOLVED' = 'OPEN',
  key = t.a.keys.admin,
): Promise<{ id: string; status: string; lastActivityAt: string; contactActivity: string }> {
  const result = dataOf(
    await t.gql(
      StartConversation,
      { input: { email: `${unique('msg')}@example.com`, channel: 'CHAT', status } },
      { key },
    ),
  ).createConversation;
  if (result.__typename !== 'CreateConversationSuccess') throw new Error('no conversation');
  const c = result.conversation;
  return {
    id: c.id,
    status: c.status,
    lastActivityAt: c.lastActivityAt,
    contactActivity: c.contact.lastActivityAt as string,
  };
}

async function send(
  conversationId: string,
  body: string,
  direction: 'INCOMING' | 'OUTGOING' = 'INCOMING',
  key = t.a.keys.admin,
) {
  return dataOf(await t.gql(CreateMessage, { input: { conversationId, body, direction } }, { key }))
    .createMessage;
}

async function sent(
  conversationId: string,
  body: string,
  direction: 'INCOMING' | 'OUTGOING' = 'INCOMING',
) {
  const result = await send(conversationId, body, direction);
  if (result.__typename !== 'CreateMessageSuccess') {
    throw new Error(`createMessage failed: ${JSON.stringify(result)}`);
  }
  return result;
}

async function read(id: string, args: Record<string, unknown> = {}, key = t.a.keys.admin) {
  const node = dataOf(await t.gql(ConversationMessages, { id, ...args }, { key })).node;
  if (!node || !('messages' in node)) throw new Error('no conversation');
  return node;
}

describe('createMessage', () => {
  it('adds a trimmed message and moves the conversation’s and contact’s activity to now', async () => {
    const conversation = await startConversation();
    await pause();
    const result = await sent(conversation.id, '  Hello there  ', 'INCOMING');
    expect(result.message).toMatchObject({
      direction: 'INCOMING',
      body: 'Hello there',
      conversation: { id: conversation.id },
    });
    expect(result.conversation.id).toBe(conversation.id);
    expect(time(result.conversation.lastActivityAt)).toBeGreaterThan(
      time(conversation.lastActivityAt),
    );
    expect(time(result.conversation.updatedAt)).toBe(time(result.conversation.lastActivityAt));
    expect(time(result.conversation.contact.lastActivityAt)).toBeGreaterThan(
      time(conversation.contactActivity),
    );
    expect(time(result.conversation.contact.updatedAt)).toBe(
      time(result.conversation.contact.lastActivityAt),
    );
    expect(time(result.message.createdAt)).toBe(time(result.conversation.lastActivityAt));

    const node = dataOf(await t.gql(MessageNode, { id: result.message.id })).node;
    expect(node).toMatchObject({
      id: result.message.id,
      body: 'Hello there',
      direction: 'INCOMING',
      conversation: { id: conversation.id },
    });
    const after = await read(conversation.id, { first: 10 });
    expect(after.messages.totalCount).toBe(1);
    expect(time(after.lastActivityAt)).toBe(time(result.conversation.lastActivityAt));
    expect(time(after.contact.lastActivityAt)).toBe(
      time(result.conversation.contact.lastActivityAt),
    );
  });

  it('reopens a RESOLVED conversation on an INCOMING message, not on an OUTGOING one', async () => {
    const conversation = await startConversation('RESOLVED');
    expect(conversation.status).toBe('RESOLVED');
    const outgoing = await sent(conversation.id, 'Anything else?', 'OUTGOING');
    expect(outgoing.conversation.status).toBe('RESOLVED');
    expect(outgoing.conversation.resolvedAt).not.toBeNull();
    const incoming = await sent(conversation.id, 'Yes, one more thing', 'INCOMING');
    expect(incoming.conversation).toMatchObject({ status: 'OPEN', resolvedAt: null });
    const again = await sent(conversation.id, 'Sure', 'OUTGOING');
    expect(again.conversation).toMatchObject({ status: 'OPEN', resolvedAt: null });
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['an empty body', { body: '' }, ['body']],
    ['a blank body', { body: '   \n ' }, ['body']],
    ['a body over 10000 characters', { body: 'x'.repeat(10001) }, ['body']],
    ['a malformed conversationId', { conversationId: 'nope' }, ['conversationId']],
    [
      'a conversationId of another type',
      { conversationId: encodeGlobalId('Contact', '1') },
      ['conversationId'],
    ],
  ];
  for (const [what, override, path] of invalid) {
    it(`rejects ${what} with ValidationError, writing nothing`, async () => {
      const conversation = await startConversation();
      const input = {
        conversationId: conversation.id,
        body: 'ok',
        direction: 'INCOMING',
        ...override,
      };
      const result = dataOf(
        await t.gql(CreateMessage, {
          input: input as { conversationId: string; body: string; direction: 'INCOMING' },
        }),
      ).createMessage;
      expect(result.__typename).toBe('ValidationError');
      if (result.__typename !== 'ValidationError') return;
      expect(result.fieldErrors.map((e) => e.path)).toContainEqual(path);
      const after = await read(conversation.id, { first: 1 });
      expect(after.messages.totalCount).toBe(0);
      expect(time(after.lastActivityAt)).toBe(time(conversation.lastActivityAt));
      expect(time(after.contact.lastActivityAt)).toBe(time(conversation.contactActivity));
    });
  }

  it('accepts a body of exactly 10000 characters after trimming', async () => {
    const conversation = await startConversation();
    const result = await sent(conversation.id, ` ${'y'.repeat(10000)} `);
    expect(result.message.body).toHaveLength(10000);
  });

  it('answers NotFoundError for an unknown and another workspace’s conversation', async () => {
    const unknown = await send(encodeGlobalId('Conversation', '999999999'), 'Hello?');
    expect(unknown).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      field: 'conversationId',
    });
    const theirs = await startConversation('RESOLVED', t.b.keys.admin);
    const foreign = await send(theirs.id, 'Let me in', 'INCOMING');
    expect(foreign).toEqual(unknown);
    const after = await read(theirs.id, { first: 1 }, t.b.keys.read);
    expect(after.messages.totalCount).toBe(0);
    expect(after.status).toBe('RESOLVED');
    expect(time(after.lastActivityAt)).toBe(time(theirs.lastActivityAt));
    expect(time(after.contact.lastActivityAt)).toBe(time(theirs.contactActivity));
  });

  it('refuses a read-only key with FORBIDDEN and writes nothing', async () => {
    const conversation = await startConversation();
    const response = (await t.gql(
      CreateMessage,
      { input: { conversationId: conversation.id, body: 'Hi', direction: 'INCOMING' } },
      { key: t.a.keys.read },
    )) as GraphQLResponse<unknown>;
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const after = await read(conversation.id, { first: 1 });
    expect(after.messages.totalCount).toBe(0);
    expect(time(after.lastActivityAt)).toBe(time(conversation.lastActivityAt));
  });
});

describe('Conversation.messages', () => {
  it('pages oldest first, forwards and backwards', async () => {
    const conversation = await startConversation();
    for (let i = 1; i <= 5; i++) {
      await sent(conversation.id, `m${i}`, i % 2 ? 'INCOMING' : 'OUTGOING');
    }
    const bodies = (page: Awaited<ReturnType<typeof read>>) =>
      page.messages.edges.map((e) => e.node.body);

    const all = await read(conversation.id, { first: 10 });
    expect(bodies(all)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(all.messages.totalCount).toBe(5);
    expect(all.messages.edges.map((e) => e.node.direction)).toEqual([
      'INCOMING',
      'OUTGOING',
      'INCOMING',
      'OUTGOING',
      'INCOMING',
    ]);

    const first = await read(conversation.id, { first: 2 });
    expect(bodies(first)).toEqual(['m1', 'm2']);
    expect(first.messages.pageInfo.hasNextPage).toBe(true);
    const second = await read(conversation.id, {
      first: 2,
      after: first.messages.pageInfo.endCursor,
    });
    expect(bodies(second)).toEqual(['m3', 'm4']);
    const third = await read(conversation.id, {
      first: 2,
      after: second.messages.pageInfo.endCursor,
    });
    expect(bodies(third)).toEqual(['m5']);
    expect(third.messages.pageInfo.hasNextPage).toBe(false);

    const tail = await read(conversation.id, { last: 2 });
    expect(bodies(tail)).toEqual(['m4', 'm5']);
    expect(tail.messages.pageInfo.hasPreviousPage).toBe(true);
    const before = await read(conversation.id, {
      last: 2,
      before: tail.messages.pageInfo.startCursor,
    });
    expect(bodies(before)).toEqual(['m2', 'm3']);
  });

  it('costs the same statements for 5 conversations’ messages as for 20', async () => {
    const conversations = [];
    for (let i = 0; i < 20; i++) conversations.push(await startConversation());
    await Promise.all(
      conversations.map(async (c, i) => {
        for (let j = 0; j < (i % 5) + 1; j++) await sent(c.id, `c${i}m${j}`);
      }),
    );
    const measure = async (first: number) => {
      let response: GraphQLResponse<unknown> | undefined;
      const statements = await t.countStatements(async () => {
        response = await t.gql(InboxWithMessages, { first });
      });
      const data = dataOf(response as Awaited<ReturnType<typeof t.gql<never, never>>>) as {
        conversations: {
          edges: { node: { messages: { totalCount: number; edges: unknown[] } } }[];
        };
      };
      return { data, statements };
    };
    const small = await measure(5);
    const large = await measure(20);
    expect(small.data.conversations.edges).toHaveLength(5);
    expect(large.data.conversations.edges).toHaveLength(20);
    const nodes = large.data.conversations.edges.map((e) => e.node);
    expect(nodes.every((n) => n.messages.totalCount >= 1)).toBe(true);
    expect(nodes.some((n) => n.messages.totalCount > 3)).toBe(true);
    expect(nodes.every((n) => n.messages.edges.length === Math.min(3, n.messages.totalCount))).toBe(
      true,
    );
    // key, conversations, message pages, message counts
    expect(large.statements).toBeLessThanOrEqual(5);
    expect(large.statements).toBe(small.statements);
  });
});
