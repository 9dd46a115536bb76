import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FanoutGroup } from '../src/pubsub/fanout.js';
import { type Subscriber, SubscriberTooSlow } from '../src/pubsub/subscriber.js';
import { EVENT_FIELDS, subscribeSse, subscribeWs, waitFor } from './event-clients.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

/**
 * Segments in the event stream: `segmentId` on the stored stream and on live subscriptions
 * (graphql-ws and SSE), `segmentsEntered` / `segmentsLeft`, custom attributes changing per key.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field.
type Data = any;

async function run(query: string, variables?: Record<string, unknown>, key = t.a.keys.admin) {
  return dataOf(await t.gql<Data, Record<string, unknown>>(query, variables, { key })) as Data;
}

async function createContact(input: Record<string, unknown>, key = t.a.keys.admin) {
  const data = await run(
    `mutation($input: CreateContactInput!) { createContact(input: $input) {
      __typename ... on CreateContactSuccess { contact { id } } ... on Error { message } } }`,
    { input },
    key,
  );
  expect(data.createContact.__typename).toBe('CreateContactSuccess');
  return data.createContact.contact.id as string;
}

async function updateContact(input: Record<string, unknown>) {
  const data = await run(
    `mutation($input: UpdateContactInput!) { updateContact(input: $input) { __typename } }`,
    { input },
  );
  expect(data.updateContact.__typename).toBe('UpdateContactSuccess');
}

async function labels(op: 'add' | 'remove', contactId: string, labelIds: string[]) {
  const field = op === 'add' ? 'addContactLabels' : 'removeContactLabels';
  const data = await run(
    `mutation($input: ContactLabelsInput!) { ${field}(input: $input) { __typename } }`,
    { input: { contactId, labelIds } },
  );
  expect(data[field].__typename).toMatch(/Success$/);
}

async function createSegment(name: string, filter: Record<string, unknown>) {
  const data = await run(
    `mutation($input: CreateSegmentInput!) { createSegment(input: $input) {
      __typename ... on CreateSegmentSuccess { segment { id } } } }`,
    { input: { name, filter } },
  );
  return data.createSegment.segment.id as string;
}

async function headCursor(key = t.a.keys.admin): Promise<string> {
  return (await run('{ contactEvents(first: 0) { headCursor } }', undefined, key)).contactEvents
    .headCursor;
}

const LIST = `query($after: String, $segmentId: ID, $fields: [String!]) {
  contactEvents(first: 100, after: $after, segmentId: $segmentId, fields: $fields) {
    totalCount
    edges { node { ${EVENT_FIELDS} segmentsEntered { name } segmentsLeft { name } } }
  } }`;

type Listed = {
  type: string;
  contactId: string;
  changes: { field: string; before: unknown; after: unknown }[];
  segmentsEntered: { name: string }[];
  segmentsLeft: { name: string }[];
};

async function list(args: Record<string, unknown>, key = t.a.keys.admin): Promise<Listed[]> {
  return (await run(LIST, args, key)).contactEvents.edges.map((e: Data) => e.node);
}

const names = (segments: { name: string }[]) => segments.map((s) => s.name);

describe('an audience-sync story', () => {
  let vip: string;
  let segment: string;
  let start: string;
  let c1: string;
  let c2: string;

  beforeAll(async () => {
    vip = (
      await run(
        `mutation { createLabel(input: { name: "ev-vip" }) { ... on CreateLabelSuccess { label { id } } } }`,
      )
    ).createLabel.label.id;
    // Members: VIPs, or anyone on the pro plan.
    segment = await createSegment('ev-audience', {
      or: [{ labels: { any: [vip] } }, { attributes: [{ key: 'plan', eq: 'pro' }] }],
    });
    await createSegment('ev-everyone', {});
    start = await headCursor();
    c1 = await createContact({ name: 'ev-one', email: 'ev-one@x.test' }); // 1 not in
    c2 = await createContact({ name: 'ev-two', email: 'ev-two@x.test', labelIds: [vip] }); // 2 enters
    await labels('add', c1, [vip]); // 3 enters
    await updateContact({ id: c1, customAttributes: { plan: 'pro', seats: 3 } }); // 4 stays
    await labels('remove', c1, [vip]); // 5 stays (plan)
    await updateContact({ id: c1, customAttributes: { plan: 'free', seats: null } }); // 6 leaves
    await updateContact({ id: c1, name: 'ev-one-renamed' }); // 7 not in
    await run(`mutation($id: ID!) { deleteContact(input: { id: $id }) { __typename } }`, {
      id: c2,
    }); // 8 leaves
  });

  it('tells each event which segments it made the contact enter and leave', async () => {
    const events = await list({ after: start });
    expect(events).toHaveLength(8);
    const audience = events.map((e) => [names(e.segmentsEntered), names(e.segmentsLeft)]);
    expect(audience).toEqual([
      [['ev-everyone'], []],
      [['ev-audience', 'ev-everyone'], []],
      [['ev-audience'], []],
      [[], []],
      [[], []],
      [[], ['ev-audience']],
      [[], []],
      [[], ['ev-audience', 'ev-everyone']],
    ]);
  });

  it('names custom attribute changes per key', async () => {
    const events = await list({ after: start });
    expect(events[3]?.changes).toEqual([
      { field: 'customAttributes.plan', before: null, after: 'pro' },
      { field: 'customAttributes.seats', before: null, after: 3 },
    ]);
    expect(events[5]?.changes).toEqual([
      { field: 'customAttributes.plan', before: 'pro', after: 'free' },
      { field: 'customAttributes.seats', before: 3, after: null },
    ]);
    const plan = await list({ after: start, fields: ['customAttributes.plan'] });
    // CREATED and DELETED pass a fields filter; UPDATED only with a plan change.
    expect(plan.map((e) => e.type)).toEqual([
      'CONTACT_CREATED',
      'CONTACT_CREATED',
      'CONTACT_UPDATED',
      'CONTACT_UPDATED',
      'CONTACT_DELETED',
    ]);
    const anyAttribute = await list({ after: start, fields: ['customAttributes'] });
    expect(anyAttribute).toHaveLength(5);
    const seats = await list({ after: start, fields: ['customAttributes.seats', 'labelIds'] });
    expect(seats.filter((e) => e.type === 'CONTACT_UPDATED')).toHaveLength(4);
    const bad = await t.gql<Data, Record<string, unknown>>(LIST, { fields: ['customAttributes.'] });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('segmentId keeps the events of members right before or right after', async () => {
    const events = await list({ after: start, segmentId: segment });
    expect(events.map((e) => [e.type, e.contactId === c1 ? 'c1' : 'c2'])).toEqual([
      ['CONTACT_CREATED', 'c2'],
      ['CONTACT_UPDATED', 'c1'],
      ['CONTACT_UPDATED', 'c1'],
      ['CONTACT_UPDATED', 'c1'],
      ['CONTACT_UPDATED', 'c1'],
      ['CONTACT_DELETED', 'c2'],
    ]);
    const counted = await run(LIST, { after: start, segmentId: segment });
    expect(counted.contactEvents.totalCount).toBeGreaterThanOrEqual(6);
  });

  it('replays and streams only the segment’s events over graphql-ws and SSE', async () => {
    const replay = await subscribeWs(t.wsUrl, t.a.keys.read, { after: start, segmentId: segment });
    const sse = await subscribeSse(t.fetch, t.a.keys.read, { after: start, segmentId: segment });
    try {
      expect(await replay.received(6)).toHaveLength(6);
      expect(await sse.received(6)).toHaveLength(6);
      // Live: a non-member change, then a member change, then another non-member change and
      // a member entering.
      const c3 = await createContact({ name: 'ev-three', email: 'ev-three@x.test' });
      await updateContact({ id: c1, customAttributes: { plan: 'pro' } });
      await updateContact({ id: c3, name: 'ev-three-renamed' });
      await labels('add', c3, [vip]);
      const live = (await replay.received(8)).slice(6);
      expect(live.map((e) => [e.type, e.contactId])).toEqual([
        ['CONTACT_UPDATED', c1],
        ['CONTACT_UPDATED', c3],
      ]);
      const sseLive = (await sse.received(8)).slice(6);
      expect(sseLive.map((e) => e.cursor)).toEqual(live.map((e) => e.cursor));
      await new Promise((r) => setTimeout(r, 100));
      expect(replay.events).toHaveLength(8);
      expect(sse.events()).toHaveLength(8);
      expect(replay.errors).toEqual([]);
    } finally {
      await replay.close();
      sse.close();
    }
  });

  it('a restore enters the segments the contact matches again', async () => {
    const from = await headCursor();
    const restored = await run(
      `mutation($id: ID!) { restoreContact(input: { id: $id }) { __typename } }`,
      { id: c2 },
    );
    expect(restored.restoreContact.__typename).toBe('RestoreContactSuccess');
    const events = await list({ after: from });
    expect(events.map((e) => [e.type, names(e.segmentsEntered), names(e.segmentsLeft)])).toEqual([
      ['CONTACT_CREATED', ['ev-audience', 'ev-everyone'], []],
    ]);
    expect(await list({ after: from, segmentId: segment })).toHaveLength(1);
  });

  it('a live-only subscriber gets segmentsEntered / segmentsLeft too', async () => {
    const sub = await subscribeWs(
      t.wsUrl,
      t.a.keys.read,
      { segmentId: segment },
      {
        query: `subscription($segmentId: ID) { contactEvents(segmentId: $segmentId) {
          cursor type contactId snapshot changes { field before after }
          segmentsEntered { name } segmentsLeft { name } } }`,
      },
    );
    try {
      const c4 = await createContact({ name: 'ev-four', email: 'ev-four@x.test' });
      await updateContact({ id: c4, customAttributes: { plan: 'pro' } });
      await updateContact({ id: c4, customAttributes: { plan: 'basic' } });
      const got = (await sub.received(2)) as unknown as Listed[];
      expect(got.map((e) => [names(e.segmentsEntered), names(e.segmentsLeft)])).toEqual([
        [['ev-audience'], []],
        [[], ['ev-audience']],
      ]);
      await waitFor(() => true, 'settle');
    } finally {
      await sub.close();
    }
  });
});

describe('isolation', () => {
  it('another workspace cannot filter by the segment nor see it in its events', async () => {
    const segment = await createSegment('iso-ev', {});
    const response = await t.gql<Data, Record<string, unknown>>(
      LIST,
      { segmentId: segment },
      { key: t.b.keys.admin },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const start = await headCursor(t.b.keys.admin);
    await createContact({ name: 'iso-b', email: 'iso-b@x.test' }, t.b.keys.admin);
    const events = await list({ after: start }, t.b.keys.admin);
    expect(events).toHaveLength(1);
    expect(events[0]?.segmentsEntered).toEqual([]);
  });
});

describe('a fan-out group filtering by segment', () => {
  it('asks the database once per page of events, and keeps their order', async () => {
    const calls: string[][] = [];
    const group = new FanoutGroup<string>(
      'g',
      { segment: {} },
      (event) => (event instanceof SubscriberTooSlow ? 'cut' : event.seq),
      async (events) => {
        calls.push(events.map((e) => e.seq));
        return new Set(events.filter((e) => Number(e.seq) % 2 === 0).map((e) => e.seq));
      },
    );
    const delivered: string[] = [];
    group.members.add({
      push: (_seq: string, item: Promise<string>) => {
        void item.then((v) => delivered.push(v));
      },
    } as unknown as Subscriber<string>);
    const page = (from: number) =>
      Array.from({ length: 50 }, (_, i) => ({
        workspaceId: '1',
        seq: String(from + i),
        type: 'CONTACT_UPDATED' as const,
        contactId: '1',
        snapshot: {},
        changes: [],
        occurredAt: new Date(),
      }));
    await group.dispatch(page(1));
    await group.dispatch(page(51));
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(2);
    expect(calls[0]).toHaveLength(50);
    expect(delivered).toEqual(Array.from({ length: 50 }, (_, i) => String(2 * (i + 1))));
  });
});
