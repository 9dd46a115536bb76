import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/global-id.js';
import { graphql } from './gql/index.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

/**
 * Conversation mutations through the server: a contact by ID or found-or-created by email and
 * phone (once, even under concurrency), blocked contacts, status and resolvedAt, contact
 * activity, validation with nothing written, and what read-only keys and other workspaces'
 * IDs may not do.
 */

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

let counter = 0;
/** A value no other test uses. */
const unique = (prefix: string) => `${prefix}${++counter}`;

graphql(`
  fragment ConversationsWriteErrors on Error {
    __typename
    message
    code
    ... on ValidationError { fieldErrors { path message } }
    ... on NotFoundError { field }
  }
`);

graphql(`
  fragment ConversationsWriteConversation on Conversation {
    id
    channel
    status
    subject
    createdAt
    updatedAt
    lastActivityAt
    resolvedAt
    contact { id email phone lastActivityAt updatedAt }
  }
`);

const Create = graphql(`
  mutation ConversationsWriteCreate($input: CreateConversationInput!) {
    createConversation(input: $input) {
      __typename
      ... on CreateConversationSuccess {
        contactCreated
        conversation { ...ConversationsWriteConversation }
      }
      ...ConversationsWriteErrors
    }
  }
`);

const Update = graphql(`
  mutation ConversationsWriteUpdate($input: UpdateConversationInput!) {
    updateConversation(input: $input) {
      __typename
      ... on UpdateConversationSuccess { conversation { ...ConversationsWriteConversation } }
      ...ConversationsWriteErrors
    }
  }
`);

const Counts = graphql(`
  query ConversationsWriteCounts {
    contacts(first: 1) { totalCount }
    conversations(first: 1) { totalCount }
  }
`);

const Get = graphql(`
  query ConversationsWriteGet($id: ID!) {
    node(id: $id) { id ... on Conversation { status subject resolvedAt } }
  }
`);

const CreateContact = graphql(`
  mutation ConversationsWriteCreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      __typename
      ... on CreateContactSuccess { contact { id email lastActivityAt updatedAt } }
    }
  }
`);

const DeleteContact = graphql(`
  mutation ConversationsWriteDeleteContact($input: DeleteContactInput!) {
    deleteContact(input: $input) { __typename }
  }
`);

type CreateInput = Parameters<typeof createConversation>[0];

async function counts(key = t.a.keys.admin) {
  const data = dataOf(await t.gql(Counts, {}, { key }));
  return { contacts: data.contacts.totalCount, conversations: data.conversations.totalCount };
}

async function createContact(
  input: { name?: string; email?: string; blocked?: boolean },
  key = t.a.keys.admin,
) {
  const result = dataOf(await t.gql(CreateContact, { input }, { key })).createContact;
  if (result.__typename !== 'CreateContactSuccess') throw new Error('contact not created');
  return result.contact;
}

async function createConversation(
  input: {
    contactId?: string | null;
    email?: string | null;
    phone?: string | null;
    channel: 'CHAT' | 'WIDGET' | 'EMAIL' | 'PHONE' | 'API';
    subject?: string | null;
    status?: 'OPEN' | 'PENDING' | 'SNOOZED' | 'RESOLVED' | null;
  },
  key = t.a.keys.admin,
) {
  const result = dataOf(await t.gql(Create, { input }, { key })).createConversation;
  if (result.__typename !== 'CreateConversationSuccess') {
    throw new Error(`create failed: ${JSON.stringify(result)}`);
  }
  return result;
}

describe('createConversation', () => {
  it('starts an OPEN conversation with a contact by ID and records the activity', async () => {
    const contact = await createContact({ name: 'Ada', email: `${unique('ada')}@example.com` });
    expect(contact.lastActivityAt).toBeNull();
    const { conversation, contactCreated } = await createConversation({
      contactId: contact.id,
      channel: 'CHAT',
      subject: '  Hello  ',
    });
    expect(contactCreated).toBe(false);
    expect(conversation).toMatchObject({
      channel: 'CHAT',
      status: 'OPEN',
      subject: 'Hello',
      resolvedAt: null,
      contact: { id: contact.id },
    });
    const activity = conversation.contact.lastActivityAt;
    expect(activity).not.toBeNull();
    expect(new Date(activity as string).getTime()).toBeGreaterThanOrEqual(
      new Date(contact.updatedAt).getTime(),
    );
    expect(new Date(conversation.contact.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(contact.updatedAt).getTime(),
    );
    expect(new Date(conversation.contact.updatedAt).getTime()).toBe(
      new Date(activity as string).getTime(),
    );
  });

  it('moves the contact’s last activity forward with each conversation', async () => {
    const contact = await createContact({ name: 'Bob', email: `${unique('bob')}@example.com` });
    const first = await createConversation({ contactId: contact.id, channel: 'EMAIL' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await createConversation({ contactId: contact.id, channel: 'PHONE' });
    expect(
      new Date(second.conversation.contact.lastActivityAt as string).getTime(),
    ).toBeGreaterThan(new Date(first.conversation.contact.lastActivityAt as string).getTime());
  });

  it('starts a conversation with the given status; RESOLVED sets resolvedAt', async () => {
    const contact = await createContact({ name: 'Cy', email: `${unique('cy')}@example.com` });
    const pending = await createConversation({
      contactId: contact.id,
      channel: 'API',
      status: 'PENDING',
    });
    expect(pending.conversation).toMatchObject({ status: 'PENDING', resolvedAt: null });
    const resolved = await createConversation({
      contactId: contact.id,
      channel: 'API',
      status: 'RESOLVED',
    });
    expect(resolved.conversation.status).toBe('RESOLVED');
    expect(resolved.conversation.resolvedAt).not.toBeNull();
  });

  it('starts a blocked contact’s conversation RESOLVED', async () => {
    const contact = await createContact({
      name: 'Spam',
      email: `${unique('spam')}@example.com`,
      blocked: true,
    });
    const { conversation } = await createConversation({
      contactId: contact.id,
      channel: 'WIDGET',
      status: 'OPEN',
    });
    expect(conversation.status).toBe('RESOLVED');
    expect(conversation.resolvedAt).not.toBeNull();
    const byEmail = await createConversation({ email: contact.email, channel: 'EMAIL' });
    expect(byEmail.contactCreated).toBe(false);
    expect(byEmail.conversation).toMatchObject({ status: 'RESOLVED', contact: { id: contact.id } });
  });

  it('reuses the live contact with the email, ignoring case and spaces', async () => {
    const email = `${unique('known')}@example.com`;
    const contact = await createContact({ name: 'Known', email });
    const before = await counts();
    const result = await createConversation({
      email: `  ${email.toUpperCase()} `,
      channel: 'EMAIL',
    });
    expect(result.contactCreated).toBe(false);
    expect(result.conversation.contact.id).toBe(contact.id);
    expect(await counts()).toEqual({
      contacts: before.contacts,
      conversations: before.conversations + 1,
    });
  });

  it('creates a contact for a new email, then reuses it', async () => {
    const email = `${unique('new')}@example.com`;
    const before = await counts();
    const first = await createConversation({ email, channel: 'EMAIL' });
    expect(first.contactCreated).toBe(true);
    expect(first.conversation.contact).toMatchObject({ email });
    expect(first.conversation.contact.lastActivityAt).not.toBeNull();
    const second = await createConversation({ email, channel: 'CHAT' });
    expect(second.contactCreated).toBe(false);
    expect(second.conversation.contact.id).toBe(first.conversation.contact.id);
    expect(await counts()).toEqual({
      contacts: before.contacts + 1,
      conversations: before.conversations + 2,
    });
  });

  it('finds or creates by phone, normalized to E.164, and stores email and phone together', async () => {
    const phone = `+1 415 555 ${String(1000 + ++counter).slice(-4)}`;
    const e164 = phone.replaceAll(' ', '');
    const email = `${unique('both')}@example.com`;
    const created = await createConversation({ email, phone, channel: 'PHONE' });
    expect(created.contactCreated).toBe(true);
    expect(created.conversation.contact).toMatchObject({ email, phone: e164 });
    const byPhone = await createConversation({
      phone: `+1 (415) 555-${e164.slice(-4)}`,
      channel: 'PHONE',
    });
    expect(byPhone.contactCreated).toBe(false);
    expect(byPhone.conversation.contact.id).toBe(created.conversation.contact.id);
  });

  it('reads a phone without a country code in the workspace’s default region', async () => {
    const setRegion = dataOf(
      await t.gql(
        graphql(`
          mutation ConversationsWriteRegion($input: UpdateWorkspaceInput!) {
            updateWorkspace(input: $input) { __typename }
          }
        `),
        { input: { defaultPhoneRegion: 'FR' } },
        { key: t.b.keys.admin },
      ),
    ).updateWorkspace;
    expect(setRegion.__typename).toBe('UpdateWorkspaceSuccess');
    const local = `06 12 34 ${String(10 + (++counter % 90))} 78`;
    const created = await createConversation({ phone: local, channel: 'PHONE' }, t.b.keys.admin);
    expect(created.contactCreated).toBe(true);
    expect(created.conversation.contact.phone).toBe(`+33${local.replaceAll(' ', '').slice(1)}`);
    const again = await createConversation(
      { phone: created.conversation.contact.phone, channel: 'CHAT' },
      t.b.keys.admin,
    );
    expect(again.contactCreated).toBe(false);
    expect(again.conversation.contact.id).toBe(created.conversation.contact.id);
  });

  it('creates the contact once when 10 conversations with one new email start together', async () => {
    const email = `${unique('rush')}@example.com`;
    const before = await counts();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.gql(Create, { input: { email, channel: 'CHAT' } })),
    );
    const payloads = results.map((r) => {
      const result = dataOf(r).createConversation;
      if (result.__typename !== 'CreateConversationSuccess') {
        throw new Error(`create failed: ${JSON.stringify(result)}`);
      }
      return result;
    });
    expect(payloads.filter((p) => p.contactCreated)).toHaveLength(1);
    expect(new Set(payloads.map((p) => p.conversation.contact.id)).size).toBe(1);
    expect(new Set(payloads.map((p) => p.conversation.id)).size).toBe(10);
    expect(await counts()).toEqual({
      contacts: before.contacts + 1,
      conversations: before.conversations + 10,
    });
  });

  it('creates a new contact for an email whose contact was deleted', async () => {
    const email = `${unique('gone')}@example.com`;
    const contact = await createContact({ name: 'Gone', email });
    dataOf(await t.gql(DeleteContact, { input: { id: contact.id } }));
    const result = await createConversation({ email, channel: 'EMAIL' });
    expect(result.contactCreated).toBe(true);
    expect(result.conversation.contact.id).not.toBe(contact.id);
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['neither contactId nor email nor phone', { channel: 'CHAT' }, ['contactId']],
    [
      'both contactId and email',
      { contactId: encodeGlobalId('Contact', '1'), email: 'a@b.co', channel: 'CHAT' },
      ['contactId'],
    ],
    ['a malformed contactId', { contactId: 'nope', channel: 'CHAT' }, ['contactId']],
    [
      'a contactId of another type',
      { contactId: encodeGlobalId('Label', '1'), channel: 'CHAT' },
      ['contactId'],
    ],
    ['an invalid email', { email: 'not-an-email', channel: 'EMAIL' }, ['email']],
    ['an empty email', { email: '   ', channel: 'EMAIL' }, ['email']],
    ['a phone that cannot be read', { phone: 'call me', channel: 'PHONE' }, ['phone']],
    [
      'a subject over 1000 characters',
      { email: 'long@example.com', subject: 's'.repeat(1001), channel: 'EMAIL' },
      ['subject'],
    ],
    [
      'a null status',
      { email: 'null-status@example.com', status: null, channel: 'EMAIL' },
      ['status'],
    ],
  ];
  for (const [what, input, path] of invalid) {
    it(`rejects ${what}, writing nothing`, async () => {
      const before = await counts();
      const result = dataOf(
        await t.gql(Create, { input: input as CreateInput }),
      ).createConversation;
      expect(result.__typename).toBe('ValidationError');
      if (result.__typename !== 'ValidationError') return;
      expect(result.fieldErrors.map((e) => e.path)).toContainEqual(path);
      expect(await counts()).toEqual(before);
    });
  }

  it('rejects a missing channel as a GraphQL error, writing nothing', async () => {
    const before = await counts();
    const response = await t.gql(Create, { input: { email: 'x@example.com' } as CreateInput });
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(await counts()).toEqual(before);
  });

  it('answers NotFoundError for an unknown, a deleted and another workspace’s contact', async () => {
    const before = await counts();
    const unknown = dataOf(
      await t.gql(Create, {
        input: { contactId: encodeGlobalId('Contact', '999999999'), channel: 'CHAT' },
      }),
    ).createConversation;
    expect(unknown).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      field: 'contactId',
    });
    const deleted = await createContact({ name: 'Deleted', email: `${unique('del')}@example.com` });
    dataOf(await t.gql(DeleteContact, { input: { id: deleted.id } }));
    const onDeleted = dataOf(
      await t.gql(Create, { input: { contactId: deleted.id, channel: 'CHAT' } }),
    ).createConversation;
    expect(onDeleted).toMatchObject({ __typename: 'NotFoundError', field: 'contactId' });
    const beforeAfterDelete = await counts();
    const theirs = await createContact(
      { name: 'Theirs', email: `${unique('theirs')}@example.com` },
      t.b.keys.admin,
    );
    const beforeB = await counts(t.b.keys.read);
    const foreign = dataOf(
      await t.gql(Create, { input: { contactId: theirs.id, channel: 'CHAT' } }),
    ).createConversation;
    expect(foreign).toEqual(unknown);
    expect(await counts()).toEqual(beforeAfterDelete);
    expect(beforeAfterDelete.conversations).toBe(before.conversations);
    expect(await counts(t.b.keys.read)).toEqual(beforeB);
    const theirsNow = dataOf(
      await t.gql(
        graphql(`
          query ConversationsWriteTheirContact($id: ID!) {
            contact(id: $id) { id lastActivityAt }
          }
        `),
        { id: theirs.id },
        { key: t.b.keys.read },
      ),
    ).contact;
    expect(theirsNow).toEqual({ id: theirs.id, lastActivityAt: null });
  });

  it('creates nothing in another workspace by email: each workspace has its own contacts', async () => {
    const email = `${unique('split')}@example.com`;
    const theirs = await createContact({ name: 'B', email }, t.b.keys.admin);
    const mine = await createConversation({ email, channel: 'EMAIL' });
    expect(mine.contactCreated).toBe(true);
    expect(mine.conversation.contact.id).not.toBe(theirs.id);
  });

  it('refuses a read-only key with FORBIDDEN and writes nothing', async () => {
    const before = await counts();
    const response = await t.gql(
      Create,
      { input: { email: `${unique('ro')}@example.com`, channel: 'CHAT' } },
      { key: t.a.keys.read },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  });
});

describe('updateConversation', () => {
  async function started() {
    const contact = await createContact({ name: 'Upd', email: `${unique('upd')}@example.com` });
    const { conversation } = await createConversation({
      contactId: contact.id,
      channel: 'CHAT',
      subject: 'Topic',
    });
    return conversation;
  }

  it('resolves (setting resolvedAt), reopens (clearing it) and bumps activity', async () => {
    const conversation = await started();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const resolved = dataOf(
      await t.gql(Update, { input: { id: conversation.id, status: 'RESOLVED' } }),
    ).updateConversation;
    expect(resolved.__typename).toBe('UpdateConversationSuccess');
    if (resolved.__typename !== 'UpdateConversationSuccess') return;
    expect(resolved.conversation).toMatchObject({ status: 'RESOLVED', subject: 'Topic' });
    expect(resolved.conversation.resolvedAt).not.toBeNull();
    expect(new Date(resolved.conversation.lastActivityAt).getTime()).toBeGreaterThan(
      new Date(conversation.lastActivityAt).getTime(),
    );
    expect(new Date(resolved.conversation.updatedAt).getTime()).toBeGreaterThan(
      new Date(conversation.updatedAt).getTime(),
    );
    const snoozed = dataOf(
      await t.gql(Update, { input: { id: conversation.id, status: 'SNOOZED' } }),
    ).updateConversation;
    expect(snoozed).toMatchObject({ conversation: { status: 'SNOOZED', resolvedAt: null } });
  });

  it('changes the subject alone, and clears it with null', async () => {
    const conversation = await started();
    const renamed = dataOf(
      await t.gql(Update, { input: { id: conversation.id, subject: ' New ' } }),
    ).updateConversation;
    expect(renamed).toMatchObject({ conversation: { subject: 'New', status: 'OPEN' } });
    const cleared = dataOf(
      await t.gql(Update, { input: { id: conversation.id, subject: null } }),
    ).updateConversation;
    expect(cleared).toMatchObject({ conversation: { subject: null, status: 'OPEN' } });
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['a null status', { status: null }, ['status']],
    ['a subject over 1000 characters', { subject: 's'.repeat(1001) }, ['subject']],
  ];
  for (const [what, fields, path] of invalid) {
    it(`rejects ${what}, changing nothing`, async () => {
      const conversation = await started();
      const result = dataOf(
        await t.gql(Update, { input: { id: conversation.id, ...fields } }),
      ).updateConversation;
      expect(result.__typename).toBe('ValidationError');
      if (result.__typename !== 'ValidationError') return;
      expect(result.fieldErrors.map((e) => e.path)).toContainEqual(path);
      expect(dataOf(await t.gql(Get, { id: conversation.id })).node).toMatchObject({
        status: 'OPEN',
        subject: 'Topic',
      });
    });
  }

  it('rejects a malformed ID as a ValidationError on id', async () => {
    const result = dataOf(
      await t.gql(Update, { input: { id: 'zzz', status: 'OPEN' } }),
    ).updateConversation;
    expect(result).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['id'] }],
    });
  });

  it('answers NotFoundError for an unknown ID and for another workspace’s, leaving it unchanged', async () => {
    const missing = dataOf(
      await t.gql(Update, {
        input: { id: encodeGlobalId('Conversation', '999999999'), status: 'RESOLVED' },
      }),
    ).updateConversation;
    expect(missing).toMatchObject({ __typename: 'NotFoundError', field: 'id' });
    const contact = await createContact(
      { name: 'B', email: `${unique('bconv')}@example.com` },
      t.b.keys.admin,
    );
    const { conversation } = await createConversation(
      { contactId: contact.id, channel: 'CHAT' },
      t.b.keys.admin,
    );
    const foreign = dataOf(
      await t.gql(Update, { input: { id: conversation.id, status: 'RESOLVED' } }),
    ).updateConversation;
    expect(foreign).toEqual(missing);
    const read = dataOf(await t.gql(Get, { id: conversation.id }, { key: t.b.keys.read })).node;
    expect(read).toMatchObject({ status: 'OPEN', resolvedAt: null });
  });

  it('refuses a read-only key with FORBIDDEN and changes nothing', async () => {
    const conversation = await started();
    const response = await t.gql(
      Update,
      { input: { id: conversation.id, status: 'RESOLVED' } },
      { key: t.a.keys.read },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(dataOf(await t.gql(Get, { id: conversation.id })).node).toMatchObject({
      status: 'OPEN',
    });
  });
});
