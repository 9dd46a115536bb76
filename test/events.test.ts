import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pruneContactEvents } from '../src/db/event-retention.js';
import { encodeGlobalId } from '../src/global-id.js';
import {
  EVENT_FIELDS,
  type EventArgs,
  type ReceivedEvent,
  SUBSCRIPTION,
  subscribeSse,
  subscribeWs,
  waitFor,
} from './event-clients.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field.
type Data = any;

async function mutate(query: string, variables?: Record<string, unknown>, key = t.a.keys.admin) {
  return dataOf(await t.gql<Data, Record<string, unknown>>(query, variables, { key })) as Data;
}

async function createContact(input: Record<string, unknown>, key = t.a.keys.admin) {
  const data = await mutate(
    `mutation($input: CreateContactInput!) { createContact(input: $input) {
      __typename ... on CreateContactSuccess { contact { id } } } }`,
    { input },
    key,
  );
  expect(data.createContact.__typename).toBe('CreateContactSuccess');
  return data.createContact.contact.id as string;
}

async function updateContact(input: Record<string, unknown>, key = t.a.keys.admin) {
  const data = await mutate(
    `mutation($input: UpdateContactInput!) { updateContact(input: $input) { __typename } }`,
    { input },
    key,
  );
  expect(data.updateContact.__typename).toBe('UpdateContactSuccess');
}

/** The stream's current position: subscribing after it sees exactly what happens next. */
async function headCursor(key = t.a.keys.admin): Promise<string> {
  const data = await mutate('{ contactEvents(first: 0) { headCursor } }', undefined, key);
  return data.contactEvents.headCursor;
}

async function listEvents(args: EventArgs & { first?: number } = {}, key = t.a.keys.admin) {
  const data = await mutate(
    `query($first: Int, $after: String, $types: [ContactEventType!], $contactId: ID, $fields: [String!]) {
      contactEvents(first: $first, after: $after, types: $types, contactId: $contactId, fields: $fields) {
        totalCount headCursor pageInfo { hasNextPage endCursor } edges { cursor node { id ${EVENT_FIELDS} } } } }`,
    { first: 100, ...args },
    key,
  );
  return data.contactEvents as {
    totalCount: number;
    headCursor: string;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: ReceivedEvent & { id: string } }[];
  };
}

const changed = (e: ReceivedEvent) => Object.fromEntries(e.changes.map((c) => [c.field, c.after]));

describe('the event of every contact change', () => {
  it('streams create → update → delete of one contact in order, with snapshots and changes', async () => {
    const sub = await subscribeWs(t.wsUrl, t.a.keys.read, { after: await headCursor() });
    const id = await createContact({ name: 'Ada', email: 'ada@example.com' });
    await updateContact({ id, name: 'Ada Lovelace', phone: '+44 20 7946 0018' });
    await mutate('mutation($id: ID!) { deleteContact(input: { id: $id }) { __typename } }', { id });
    const [created, updated, deleted] = await sub.received(3);
    await sub.close();

    expect([created?.type, updated?.type, deleted?.type]).toEqual([
      'CONTACT_CREATED',
      'CONTACT_UPDATED',
      'CONTACT_DELETED',
    ]);
    expect(sub.events.every((e) => e.contactId === id)).toBe(true);
    expect(created?.snapshot).toMatchObject({
      id,
      name: 'Ada',
      email: 'ada@example.com',
      type: 'LEAD',
    });
    expect(created?.changes).toEqual([]);
    expect(updated?.changes).toEqual([
      { field: 'name', before: 'Ada', after: 'Ada Lovelace' },
      { field: 'phone', before: null, after: '+442079460018' },
    ]);
    expect(updated?.snapshot).toMatchObject({ name: 'Ada Lovelace', phone: '+442079460018' });
    expect(deleted?.changes.map((c) => c.field)).toEqual(['deletedAt']);
    expect(deleted?.snapshot.deletedAt).toEqual(expect.any(String));
    // Cursors are distinct and the stored listing has the same events with the same cursors.
    const stored = await listEvents({ contactId: id });
    expect(stored.edges.map((e) => e.cursor)).toEqual(sub.events.map((e) => e.cursor));
    expect(stored.edges.map((e) => e.node.cursor)).toEqual(sub.events.map((e) => e.cursor));
  });

  it('folds the labels of a create into its CREATED event: one event per contact per transaction', async () => {
    const label = await mutate(
      'mutation { createLabel(input: { name: "vip" }) { ... on CreateLabelSuccess { label { id } } } }',
    );
    const labelId = label.createLabel.label.id;
    const after = await headCursor();
    const id = await createContact({ name: 'Bo', labelIds: [labelId] });
    const { edges } = await listEvents({ after });
    expect(edges.map((e) => e.node.type)).toEqual(['CONTACT_CREATED']);
    expect(edges[0]?.node.contactId).toBe(id);
    expect(edges[0]?.node.snapshot.labelIds).toEqual([labelId]);
  });

  it('writes one event per contact for bulk actions, label and organization changes', async () => {
    const org = await mutate(
      'mutation { createOrganization(input: { name: "Initech" }) { ... on CreateOrganizationSuccess { organization { id } } } }',
    );
    const orgId = org.createOrganization.organization.id;
    const label = await mutate(
      'mutation { createLabel(input: { name: "bulk" }) { ... on CreateLabelSuccess { label { id } } } }',
    );
    const labelId = label.createLabel.label.id;
    const ids = [
      await createContact({ name: 'C1' }),
      await createContact({ name: 'C2' }),
      await createContact({ name: 'C3' }),
    ];
    const after = await headCursor();
    const bulk = (mutation: string, input: Record<string, unknown>) =>
      mutate(
        `mutation($input: ${mutation[0]?.toUpperCase()}${mutation.slice(1)}Input!) {
        ${mutation}(input: $input) { __typename ... on BulkActionSuccess { count } } }`,
        { input },
      );
    expect(
      (await bulk('addLabelsToContacts', { labelIds: [labelId], selection: { ids } }))
        .addLabelsToContacts.count,
    ).toBe(3);
    await bulk('setContactsOrganization', { organizationId: orgId, selection: { ids } });
    await mutate('mutation($id: ID!) { deleteLabel(input: { id: $id }) { __typename } }', {
      id: labelId,
    });
    await mutate('mutation($id: ID!) { deleteOrganization(input: { id: $id }) { __typename } }', {
      id: orgId,
    });
    await bulk('deleteContacts', { selection: { ids } });
    await bulk('restoreContacts', { selection: { ids } });

    const { edges } = await listEvents({ after });
    const steps = edges.map(
      (e) => `${e.node.type}:${e.node.changes.map((c) => c.field).join(',')}`,
    );
    // Six statements, each one event per contact, in commit order.
    expect(steps).toEqual([
      ...Array(3).fill('CONTACT_UPDATED:labelIds'),
      ...Array(3).fill('CONTACT_UPDATED:organizationId'),
      ...Array(3).fill('CONTACT_UPDATED:labelIds'),
      ...Array(3).fill('CONTACT_UPDATED:organizationId'),
      ...Array(3).fill('CONTACT_DELETED:deletedAt'),
      ...Array(3).fill('CONTACT_CREATED:deletedAt'),
    ]);
    for (let i = 0; i < 6; i++) {
      expect(new Set(edges.slice(i * 3, i * 3 + 3).map((e) => e.node.contactId))).toEqual(
        new Set(ids),
      );
    }
    expect(edges[0]?.node.changes[0]).toEqual({ field: 'labelIds', before: [], after: [labelId] });
    expect(edges[3]?.node.changes[0]).toEqual({
      field: 'organizationId',
      before: null,
      after: orgId,
    });
    expect(edges[9]?.node.changes[0]).toEqual({
      field: 'organizationId',
      before: orgId,
      after: null,
    });
  });

  it('records conversation activity as an update of lastActivityAt, which `fields` can leave out', async () => {
    const id = await createContact({ name: 'Chatty', email: 'chatty@example.com' });
    const after = await headCursor();
    const conversation = await mutate(
      `mutation($id: ID!) { createConversation(input: { contactId: $id, channel: EMAIL }) {
        ... on CreateConversationSuccess { conversation { id } } } }`,
      { id },
    );
    await mutate(
      `mutation($c: ID!) { createMessage(input: { conversationId: $c, direction: INCOMING, body: "hi" }) { __typename } }`,
      { c: conversation.createConversation.conversation.id },
    );
    await updateContact({ id, email: 'chatty@example.org' });
    const all = await listEvents({ after, contactId: id });
    expect(all.edges.every((e) => e.node.type === 'CONTACT_UPDATED')).toBe(true);
    expect(all.edges.some((e) => e.node.changes.some((c) => c.field === 'lastActivityAt'))).toBe(
      true,
    );
    const emailOnly = await listEvents({ after, contactId: id, fields: ['email'] });
    expect(emailOnly.edges.map((e) => changed(e.node))).toEqual([{ email: 'chatty@example.org' }]);
  });

  it('emits nothing for a failed or rolled-back write', async () => {
    await createContact({ name: 'Taken', email: 'taken@example.com' });
    const after = await headCursor();
    const conflict = await mutate(
      `mutation { createContact(input: { name: "Again", email: "taken@example.com" }) { __typename } }`,
    );
    expect(conflict.createContact.__typename).toBe('ConflictError');
    const invalid = await mutate(
      `mutation { createContact(input: { name: "Bad", email: "not-an-email" }) { __typename } }`,
    );
    expect(invalid.createContact.__typename).toBe('ValidationError');
    // A batch: the good items are written (and evented), the bad one is not.
    const batch = await mutate(
      `mutation { upsertContacts(input: { contacts: [
        { externalId: "ok-1", name: "Ok 1" }, { externalId: "bad", email: "nope" }, { externalId: "ok-2", name: "Ok 2" }
      ] }) { ... on UpsertContactsSuccess { results { index error { code } } } } }`,
    );
    expect(batch.upsertContacts.results.map((r: Data) => r.error?.code ?? 'ok')).toEqual([
      'ok',
      'VALIDATION_FAILED',
      'ok',
    ]);
    const { edges } = await listEvents({ after });
    expect(edges.map((e) => e.node.snapshot.externalId)).toEqual(['ok-1', 'ok-2']);
    expect(await headCursor()).not.toBe(after);
  });

  it('lets an event be fetched as a node, and the current contact through it', async () => {
    const id = await createContact({ name: 'Node' });
    const { edges } = await listEvents({ contactId: id });
    const eventId = edges[0]?.node.id as string;
    const data = await mutate(
      `query($id: ID!) { node(id: $id) { __typename ... on ContactEvent { type contact { id name } } } }`,
      { id: eventId },
    );
    expect(data.node).toEqual({
      __typename: 'ContactEvent',
      type: 'CONTACT_CREATED',
      contact: { id, name: 'Node' },
    });
    // Another workspace resolves it to null, as if it did not exist.
    const other = await mutate(
      'query($id: ID!) { node(id: $id) { id } }',
      { id: eventId },
      t.b.keys.admin,
    );
    expect(other.node).toBeNull();
  });
});

describe('statements', () => {
  it('lists 50 events with their contacts, organizations and labels in a handful of statements', async () => {
    const after = await headCursor();
    for (let i = 0; i < 60; i++) await createContact({ name: `Many ${i}` });
    const query = `query($first: Int, $after: String) { contactEvents(first: $first, after: $after) { edges { node {
      type snapshot contact { name organization { name } labels { name } } } } } }`;
    // Warm-up: anything the writes above set off in the background is done before counting.
    await t.gql(query, { first: 1, after });
    const small = await t.countStatements(() => t.gql(query, { first: 5, after }));
    const large = await t.countStatements(() => t.gql(query, { first: 50, after }));
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(5);
    expect(large).toBeGreaterThanOrEqual(4); // key, page (with the head), contacts, labels
  });
});

describe('filters', () => {
  it('deliver only the asked types, contact and changed fields, live and in replay', async () => {
    const after = await headCursor();
    const types = await subscribeWs(t.wsUrl, t.a.keys.read, { after, types: ['CONTACT_DELETED'] });
    const fields = await subscribeWs(t.wsUrl, t.a.keys.read, { after, fields: ['email'] });
    const x = await createContact({ name: 'X' });
    const y = await createContact({ name: 'Y' });
    const one = await subscribeWs(t.wsUrl, t.a.keys.read, { after, contactId: y });
    await updateContact({ id: x, name: 'X2' });
    await updateContact({ id: y, email: 'y@example.com' });
    await mutate('mutation($id: ID!) { deleteContact(input: { id: $id }) { __typename } }', {
      id: x,
    });

    await types.received(1);
    expect(types.events.map((e) => [e.type, e.contactId])).toEqual([['CONTACT_DELETED', x]]);
    // fields: CREATED and DELETED pass, UPDATED only when email changed.
    await fields.received(4);
    expect(fields.events.map((e) => `${e.type}:${e.contactId === x ? 'x' : 'y'}`)).toEqual([
      'CONTACT_CREATED:x',
      'CONTACT_CREATED:y',
      'CONTACT_UPDATED:y',
      'CONTACT_DELETED:x',
    ]);
    // contactId: it started after y's creation was stored, so it replays that first.
    await one.received(2);
    expect(one.events.map((e) => e.type)).toEqual(['CONTACT_CREATED', 'CONTACT_UPDATED']);
    await new Promise((r) => setTimeout(r, 100));
    expect([types.events.length, fields.events.length, one.events.length]).toEqual([1, 4, 2]);
    await Promise.all([types.close(), fields.close(), one.close()]);
  });

  it('refuse unknown fields, malformed or foreign cursors, and cursors ahead of the stream', async () => {
    const expectBadInput = async (args: Record<string, unknown>, argument: string) => {
      const response = await t.gql<Data, Record<string, unknown>>(
        'query($after: String, $fields: [String!], $contactId: ID) { contactEvents(after: $after, fields: $fields, contactId: $contactId) { totalCount } }',
        args,
      );
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    };
    await expectBadInput({ fields: ['emial'] }, 'fields');
    await expectBadInput({ after: 'not-a-cursor' }, 'after');
    await expectBadInput({ after: await headCursor(t.b.keys.admin) }, 'after');
    await expectBadInput(
      { after: Buffer.from(`ce:${t.a.id}:999999`).toString('base64url') },
      'after',
    );
    await expectBadInput({ contactId: encodeGlobalId('Label', '1') }, 'contactId');
  });
});

describe('isolation', () => {
  it('shows each workspace only its own events', async () => {
    const [afterA, afterB] = [await headCursor(), await headCursor(t.b.keys.admin)];
    const subA = await subscribeWs(t.wsUrl, t.a.keys.read, { after: afterA });
    const subB = await subscribeWs(t.wsUrl, t.b.keys.read, { after: afterB });
    const inA = await createContact({ name: 'In A' });
    const inB = await createContact({ name: 'In B' }, t.b.keys.admin);
    await subA.received(1);
    await subB.received(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(subA.events.map((e) => e.contactId)).toEqual([inA]);
    expect(subB.events.map((e) => e.contactId)).toEqual([inB]);
    const listedB = await listEvents({ after: afterB }, t.b.keys.admin);
    expect(listedB.edges.map((e) => e.node.contactId)).toEqual([inB]);
    // A's contact id in B's filter matches nothing (it does not exist there).
    const foreign = await listEvents({ contactId: inA }, t.b.keys.admin);
    expect(foreign.totalCount).toBe(0);
    await Promise.all([subA.close(), subB.close()]);
  });

  it('refuses a subscription without a valid key at connection time (4403)', async () => {
    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: t.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: 'Bearer cg_wrong' },
        retryAttempts: 0,
        on: { closed: (e) => resolve((e as { code: number }).code) },
      });
      client.subscribe(
        { query: SUBSCRIPTION },
        { next: () => {}, error: () => {}, complete: () => {} },
      );
    });
    expect(await closed).toBe(4403);
  });
});

describe('resume', () => {
  it('replays exactly the missed events after a disconnect, then continues live without a seam', async () => {
    const id = await createContact({ name: 'Resume' });
    const first = await subscribeWs(t.wsUrl, t.a.keys.read, {
      after: await headCursor(),
      contactId: id,
    });
    await updateContact({ id, name: 'R1' });
    await updateContact({ id, name: 'R2' });
    await first.received(2);
    const last = first.events.at(-1)?.cursor as string;
    await first.close();

    // Missed while away.
    for (const name of ['R3', 'R4', 'R5']) await updateContact({ id, name });
    const second = await subscribeWs(t.wsUrl, t.a.keys.read, { after: last, contactId: id });
    await second.received(3);
    // Live again, and a burst right at the seam.
    await Promise.all([updateContact({ id, name: 'R6' }), updateContact({ id, blocked: true })]);
    await second.received(5);
    await new Promise((r) => setTimeout(r, 100));
    await second.close();
    const names = second.events.map((e) => changed(e).name ?? `blocked=${changed(e).blocked}`);
    expect(names.slice(0, 3)).toEqual(['R3', 'R4', 'R5']);
    expect(new Set(names.slice(3))).toEqual(new Set(['R6', 'blocked=true']));
    expect(second.events).toHaveLength(5);
    const stored = await listEvents({ after: last, contactId: id });
    expect(second.events.map((e) => e.cursor)).toEqual(stored.edges.map((e) => e.cursor));
  });

  it('pages backwards from the newest with last/before', async () => {
    const id = await createContact({ name: 'Backwards' });
    for (let i = 0; i < 3; i++) await updateContact({ id, name: `B${i}` });
    const query = `query($last: Int, $before: String, $id: ID) { contactEvents(last: $last, before: $before, contactId: $id) {
      pageInfo { hasPreviousPage startCursor } edges { node { type snapshot } } } }`;
    const newest = (await mutate(query, { last: 2, id })).contactEvents;
    expect(newest.edges.map((e: Data) => e.node.snapshot.name)).toEqual(['B1', 'B2']);
    expect(newest.pageInfo.hasPreviousPage).toBe(true);
    const older = (await mutate(query, { last: 2, id, before: newest.pageInfo.startCursor }))
      .contactEvents;
    expect(older.edges.map((e: Data) => e.node.snapshot.name)).toEqual(['Backwards', 'B0']);
    expect(older.pageInfo.hasPreviousPage).toBe(false);
  });

  it('pages the stored stream oldest first with the same cursors', async () => {
    const id = await createContact({ name: 'Pager' });
    for (let i = 0; i < 4; i++) await updateContact({ id, name: `P${i}` });
    const page1 = await listEvents({ contactId: id, first: 2 });
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await listEvents({
      contactId: id,
      first: 2,
      after: page1.pageInfo.endCursor as string,
    });
    const page3 = await listEvents({
      contactId: id,
      first: 2,
      after: page2.pageInfo.endCursor as string,
    });
    const all = [...page1.edges, ...page2.edges, ...page3.edges].map((e) => e.node);
    expect(all.map((e) => e.type)).toEqual([
      'CONTACT_CREATED',
      ...Array(4).fill('CONTACT_UPDATED'),
    ]);
    expect(page3.pageInfo.hasNextPage).toBe(false);
    expect(page1.totalCount).toBe(5);
  });
});

describe('SSE', () => {
  it('streams the same events over server-sent events, resumable with the same cursors', async () => {
    const after = await headCursor();
    const sse = await subscribeSse(t.fetch, t.a.keys.read, { after });
    const id = await createContact({ name: 'Over SSE' });
    await updateContact({ id, name: 'Over SSE 2' });
    const events = await sse.received(2);
    sse.close();
    expect(events.map((e) => e.type)).toEqual(['CONTACT_CREATED', 'CONTACT_UPDATED']);
    // Resume over SSE after the first one: exactly the second.
    const again = await subscribeSse(t.fetch, t.a.keys.read, {
      after: events[0]?.cursor as string,
    });
    const replayed = await again.received(1);
    again.close();
    expect(replayed.map((e) => e.cursor)).toEqual([events[1]?.cursor]);
  });
});

describe('executing events', () => {
  const query = `subscription($after: String) { contactEvents(after: $after) { cursor contact { name labels { name } } } }`;
  const contactName = (e: unknown) => (e as { contact: { name: string } }).contact.name;

  it('shows each event the contact as it is when the event is delivered, never a cached one', async () => {
    const sub = await subscribeWs(t.wsUrl, t.a.keys.read, { after: await headCursor() }, { query });
    const id = await createContact({ name: 'Fresh 1' });
    await sub.received(1);
    await updateContact({ id, name: 'Fresh 2' });
    await sub.received(2);
    expect(sub.events.map(contactName)).toEqual(['Fresh 1', 'Fresh 2']);
    await sub.close();
  });

  it('loads the nested fields of a burst of events together, not per event', async () => {
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createContact({ name: `Burst ${i}` })),
    );
    const label = await mutate(
      'mutation { createLabel(input: { name: "burst" }) { ... on CreateLabelSuccess { label { id } } } }',
    );
    const sub = await subscribeWs(t.wsUrl, t.a.keys.read, { after: await headCursor() }, { query });
    const statements = await t.countStatements(async () => {
      await mutate(
        'mutation($input: AddLabelsToContactsInput!) { addLabelsToContacts(input: $input) { __typename } }',
        { input: { labelIds: [label.createLabel.label.id], selection: { ids } } },
      );
      await sub.received(50);
    });
    expect(
      sub.events.every(
        (e) => (e as unknown as { contact: { labels: unknown[] } }).contact.labels.length === 1,
      ),
    ).toBe(true);
    // The mutation's own statements, one tail read, one contact load, one labels load — not 50 of each.
    expect(statements).toBeLessThan(20);
    await sub.close();
  });
});

describe('fan-out', () => {
  it('executes a selection once per event for identical subscriptions, not once per subscriber', async () => {
    const query = `subscription($after: String) { contactEvents(after: $after) { cursor contact { name } } }`;
    const id = await createContact({ name: 'Shared' });
    // Statements to write one update and deliver it (with `contact` loaded) to n subscribers.
    const deliveryCost = async (n: number, name: string) => {
      const after = await headCursor();
      const subs = await Promise.all(
        Array.from({ length: n }, () => subscribeWs(t.wsUrl, t.a.keys.read, { after }, { query })),
      );
      const statements = await t.countStatements(async () => {
        await updateContact({ id, name });
        await Promise.all(subs.map((s) => s.received(1)));
      });
      for (const s of subs) {
        expect((s.events[0] as unknown as { contact: { name: string } }).contact.name).toBe(name);
      }
      expect(t.server.events.stats().groups).toBeLessThan(n === 1 ? 3 : 4);
      await Promise.all(subs.map((s) => s.close()));
      return statements;
    };
    const one = await deliveryCost(1, 'Shared 1');
    const eight = await deliveryCost(8, 'Shared 8');
    // Executed per subscriber, eight would cost seven more contact loads. The tolerance of one
    // is a tail read that a bus note or the safety poll may add to either window.
    expect(eight).toBeLessThanOrEqual(one + 1);
  });
});

it('numbers events gap-free in commit order', async () => {
  const seqs: number[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listEvents({ first: 100, ...(after ? { after } : {}) });
    seqs.push(
      ...page.edges.map((e) => Number(Buffer.from(e.cursor, 'base64url').toString().split(':')[2])),
    );
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor as string;
  }
  expect(seqs.length).toBeGreaterThan(50);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
});

// Last in this file: it deletes every event written so far.
describe('retention', () => {
  it('deletes old events and refuses to resume from before what it deleted', async () => {
    const id = await createContact({ name: 'Old' });
    // The oldest event: resuming after it needs every later one, and those are about to go.
    const [oldEvent] = (await listEvents({ first: 1 })).edges;
    const [newest] = (await listEvents({ contactId: id })).edges;
    const deleted = await pruneContactEvents(t.database.db, new Date(Date.now() + 1000));
    expect(deleted).toBeGreaterThan(50);
    const after = await headCursor();
    await updateContact({ id, name: 'New' });

    const listed = await listEvents();
    expect(listed.edges.map((e) => e.node.snapshot.name)).toEqual(['New']);
    // An old cursor would silently skip deleted events: it is refused, over HTTP and WebSocket.
    const stale = await t.gql<Data, Record<string, unknown>>(
      'query($after: String) { contactEvents(after: $after) { totalCount } }',
      { after: oldEvent?.cursor },
    );
    expect(stale.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    expect(stale.errors?.[0]?.message).toMatch(/retention/);
    const refused = await subscribeWs(t.wsUrl, t.a.keys.read, { after: oldEvent?.cursor });
    await waitFor(() => refused.errors.length > 0, 'the subscription to be refused');
    expect(JSON.stringify(refused.errors)).toMatch(/retention/);
    await refused.close();
    // Resuming after the newest deleted event misses nothing: allowed.
    const fromNewest = await listEvents({ after: newest?.cursor });
    expect(fromNewest.edges.map((e) => e.node.snapshot.name)).toEqual(['New']);
    // From the head it was at after pruning, the stream continues normally.
    const fresh = await subscribeWs(t.wsUrl, t.a.keys.read, { after });
    await fresh.received(1);
    expect(fresh.events[0]?.snapshot.name).toBe('New');
    await fresh.close();
  });
});
