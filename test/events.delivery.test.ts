import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiKey, revokeApiKey } from '../src/db/api-keys.js';
import { createLogger } from '../src/logger.js';
import type { PostgresEventBus } from '../src/pubsub/create-bus.js';
import { createServer } from '../src/server.js';
import { SUBSCRIPTION, subscribeSse, subscribeWs, waitFor } from './event-clients.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field.
type Data = any;

const onPostgres = Boolean(process.env.DATABASE_URL);

async function mutate(t: TestServer, query: string, variables?: Record<string, unknown>) {
  return dataOf(await t.gql<Data, Record<string, unknown>>(query, variables)) as Data;
}

async function createContact(t: TestServer, name: string): Promise<string> {
  const data = await mutate(
    t,
    'mutation($name: String) { createContact(input: { name: $name }) { ... on CreateContactSuccess { contact { id } } } }',
    { name },
  );
  return data.createContact.contact.id;
}

function rename(t: TestServer, id: string, name: string) {
  return mutate(
    t,
    'mutation($id: ID!, $name: String) { updateContact(input: { id: $id, name: $name }) { __typename } }',
    {
      id,
      name,
    },
  );
}

async function headCursor(t: TestServer): Promise<string> {
  return (await mutate(t, '{ contactEvents(first: 0) { headCursor } }')).contactEvents.headCursor;
}

describe('a slow subscriber', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { EVENT_BUFFER: '100' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function burst(batches: number, size = 500, bytes = 1000) {
    for (let b = 0; b < batches; b++) {
      const contacts = Array.from({ length: size }, (_, i) => ({
        externalId: `slow-${b}-${i}-${Math.random()}`,
        customAttributes: { bulky: 'x'.repeat(bytes) },
      }));
      await mutate(
        t,
        'mutation($contacts: [UpsertContactInput!]!) { upsertContacts(input: { contacts: $contacts }) { __typename } }',
        { contacts },
      );
    }
    return batches * size;
  }

  it('is cut off while a fast one keeps receiving everything; it learns where to resume', async () => {
    const after = await headCursor(t);
    const fast = await subscribeWs(t.wsUrl, t.a.keys.read, { after });
    // An SSE stream nobody reads: nothing pulls its results, so its queue fills.
    const abort = new AbortController();
    const response = await t.fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${t.a.keys.read}`,
      },
      body: JSON.stringify({ query: SUBSCRIPTION, variables: { after } }),
      signal: abort.signal,
    });
    const total = await burst(2);
    await fast.received(total, 30_000);
    expect(fast.events).toHaveLength(total);
    expect(fast.closes).toEqual([]);
    // The slow one was dropped without holding anything up...
    await waitFor(
      () => t.server.events.stats().subscribers === 1,
      'the slow subscriber to be dropped',
    );
    // ...and, reading at last, finds a bounded backlog, then the reason and where to resume.
    const body = await response.text();
    const results = [...body.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1] as string));
    const last = results.at(-1);
    expect(last.errors[0].extensions).toMatchObject({
      code: 'SUBSCRIBER_TOO_SLOW',
      resumeAfter: expect.any(String),
    });
    const delivered = results.slice(0, -1).map((r) => r.data.contactEvents.cursor);
    expect(delivered.length).toBeLessThan(total);
    expect(last.errors[0].extensions.resumeAfter).toBe(delivered.at(-1) ?? after);
    expect(body).toMatch(/event: complete/);
    abort.abort();
    // Resuming from there delivers the rest, in order, without a gap.
    const resumed = await subscribeWs(t.wsUrl, t.a.keys.read, {
      after: last.errors[0].extensions.resumeAfter,
    });
    await resumed.received(total - delivered.length, 30_000);
    expect([...delivered, ...resumed.events.map((e) => e.cursor)]).toEqual(
      fast.events.map((e) => e.cursor),
    );
    await Promise.all([fast.close(), resumed.close()]);
  }, 90_000);
});

/** A graphql-transport-ws client by hand, so the test controls reading from its socket. */
async function rawSubscriber(t: TestServer, variables: Record<string, unknown>) {
  const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve) => socket.on('open', resolve));
  const acked = new Promise((resolve) =>
    socket.on('message', (data) => {
      if (JSON.parse(data.toString()).type === 'connection_ack') resolve(undefined);
    }),
  );
  socket.send(
    JSON.stringify({
      type: 'connection_init',
      payload: { authorization: `Bearer ${t.a.keys.read}` },
    }),
  );
  await acked;
  socket.send(
    JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables } }),
  );
  const tcp = (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  return { tcp, closed };
}

// PostgreSQL only: filling the kernel's socket buffers (tens of MB on loopback) takes a burst
// the embedded database writes too slowly for a test.
describe.skipIf(!onPostgres)('a slow WebSocket subscriber', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { EVENT_BUFFER: '100' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is disconnected with close code 4008, which graphql-ws clients retry', async () => {
    const slow = await rawSubscriber(t, { after: await headCursor(t) });
    await new Promise((r) => setTimeout(r, 100));
    slow.tcp.pause();
    const bulky = 'x'.repeat(60_000);
    for (let b = 0; b < 12 && t.server.events.stats().subscribers > 0; b++) {
      const contacts = Array.from({ length: 100 }, (_, i) => ({
        externalId: `ws-slow-${b}-${i}`,
        customAttributes: { bulky },
      }));
      await mutate(
        t,
        'mutation($contacts: [UpsertContactInput!]!) { upsertContacts(input: { contacts: $contacts }) { __typename } }',
        { contacts },
      );
    }
    await waitFor(
      () => t.server.events.stats().subscribers === 0,
      'the slow subscriber to be dropped',
      30_000,
    );
    slow.tcp.resume();
    const { code, reason } = await slow.closed;
    expect(code).toBe(4008);
    expect(reason).toMatch(/too slow/);
  }, 120_000);
});

describe('operations', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Pings every 500 ms: fast enough for the keep-alive test, and slow enough that a loaded
    // machine (clients and server share one event loop here) does not miss a pong and see its
    // socket dropped (1006) in the other tests.
    t = await startTestServer({
      env: { WS_PING_MS: '500', EVENT_POLL_MS: '600000', AUTH_RECHECK_MS: '100' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('pings WebSocket clients, and drops one that stops answering', async () => {
    const lively = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    const silent = new WebSocket(t.wsUrl, 'graphql-transport-ws', { autoPong: false });
    let pings = 0;
    lively.on('ping', () => {
      pings += 1;
    });
    const silentClosed = new Promise<number>((resolve) =>
      silent.on('close', (code) => resolve(code)),
    );
    await Promise.all([lively, silent].map((s) => new Promise((r) => s.on('open', r))));
    // Terminated (no close frame: 1006) after one unanswered ping interval.
    expect(await silentClosed).toBe(1006);
    await waitFor(() => pings >= 2, 'pings');
    expect(lively.readyState).toBe(WebSocket.OPEN);
    lively.close();
  });

  it('ends the connections and streams of a key as soon as it is revoked, and only those', async () => {
    const { id: keyId, key } = await createApiKey(t.database.db, t.a.id, ['read']);
    const after = await headCursor(t);
    const ws = await subscribeWs(t.wsUrl, key, { after });
    const sse = await subscribeSse(t.fetch, key, { after });
    const other = await subscribeWs(t.wsUrl, t.a.keys.read, { after });
    const id = await createContact(t, 'Before revocation');
    await Promise.all([ws.received(1), sse.received(1), other.received(1)]);
    expect(await revokeApiKey(t.database.db, keyId)).toBe(true);
    await waitFor(() => ws.closes.length > 0 && sse.completed, 'the revoked key to be cut off');
    expect(ws.closes[0]?.code).toBe(4403);
    expect(JSON.stringify(sse.results.at(-1))).toMatch(/FORBIDDEN/);
    // The other key's subscription goes on.
    await rename(t, id, 'After revocation');
    await other.received(2);
    expect(ws.events).toHaveLength(1);
    expect(sse.events()).toHaveLength(1);
    await other.close();
  });

  it('runs the same stream with per-subscriber execution (the plain GraphQL way)', async () => {
    const plain = await startTestServer({ env: { EVENT_FANOUT: 'per-subscriber' } });
    try {
      const after = await headCursor(plain);
      const subs = await Promise.all(
        [1, 2].map(() => subscribeWs(plain.wsUrl, plain.a.keys.read, { after })),
      );
      const id = await createContact(plain, 'Plain');
      await rename(plain, id, 'Plain 2');
      for (const s of subs) {
        await s.received(2);
        expect(s.events.map((e) => e.type)).toEqual(['CONTACT_CREATED', 'CONTACT_UPDATED']);
      }
      // One group per subscriber: nothing shared.
      expect(plain.server.events.stats().groups).toBe(2);
      // Each event still sees the contact as it is then, not as the subscription first loaded it.
      const query = `subscription($after: String) { contactEvents(after: $after) { contact { name } } }`;
      const named = await subscribeWs(
        plain.wsUrl,
        plain.a.keys.read,
        { after: await headCursor(plain) },
        { query },
      );
      await rename(plain, id, 'Plain 3');
      await named.received(1);
      await rename(plain, id, 'Plain 4');
      await named.received(2);
      expect(
        named.events.map((e) => (e as unknown as { contact: { name: string } }).contact.name),
      ).toEqual(['Plain 3', 'Plain 4']);
      await named.close();
      await Promise.all(subs.map((s) => s.close()));
    } finally {
      await plain.close();
    }
  });

  // PostgreSQL's own bus only (the suite also runs with EVENT_BUS=redis).
  it.skipIf(!onPostgres || (process.env.EVENT_BUS ?? 'postgres') !== 'postgres')(
    'recovers from a lost LISTEN connection and delivers what was committed meanwhile',
    async () => {
      // PostgreSQL only: PGlite's LISTEN is in-process and cannot be cut.
      const bus = t.server.bus as PostgresEventBus;
      expect(bus.kind).toBe('postgres');
      const sub = await subscribeWs(t.wsUrl, t.a.keys.read, { after: await headCursor(t) });
      const id = await createContact(t, 'Before the cut');
      await sub.received(1);
      const pid = bus.listenerPid();
      expect(pid).toEqual(expect.any(Number));
      await t.database.pool.query('select pg_terminate_backend($1)', [pid]);
      await rename(t, id, 'During the cut');
      // The safety poll is 10 minutes here: only the reconnect's re-read can deliver it.
      await sub.received(2, 10_000);
      await waitFor(
        () => bus.listenerPid() !== undefined && bus.listenerPid() !== pid,
        'a new listener',
      );
      await rename(t, id, 'After the cut');
      await sub.received(3);
      expect(sub.events.map((e) => e.snapshot.name)).toEqual([
        'Before the cut',
        'During the cut',
        'After the cut',
      ]);
      await sub.close();
    },
    20_000,
  );
});

describe.skipIf(!onPostgres)('commit order (PostgreSQL: concurrent transactions)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('numbers events in commit order: a transaction that commits later comes later', async () => {
    const [first, second] = [await createContact(t, 'A'), await createContact(t, 'B')];
    const after = await headCursor(t);
    const sub = await subscribeWs(t.wsUrl, t.a.keys.read, { after });
    // Transaction A changes a contact first and stays open: its event exists, unnumbered.
    const a = await t.database.pool.connect();
    await a.query('begin');
    await a.query("update contacts set name = 'A (slow)' where id = $1", [localId(first)]);
    // Transaction B (the API) changes another one and commits first: nothing holds it up.
    await rename(t, second, 'B (fast)');
    await sub.received(1);
    const between = await mutate(
      t,
      'query($after: String) { contactEvents(after: $after) { edges { cursor node { snapshot } } } }',
      {
        after,
      },
    );
    expect(between.contactEvents.edges.map((e: Data) => e.node.snapshot.name)).toEqual([
      'B (fast)',
    ]);
    await a.query('commit');
    a.release();
    // A reader that resumed between them (after B) gets A next: nothing was skipped.
    const resumed = await mutate(
      t,
      'query($after: String) { contactEvents(after: $after) { edges { node { snapshot } } } }',
      {
        after: between.contactEvents.edges[0].cursor,
      },
    );
    expect(resumed.contactEvents.edges.map((e: Data) => e.node.snapshot.name)).toEqual([
      'A (slow)',
    ]);
    const both = await sub.received(2);
    expect(both.map((e) => e.snapshot.name)).toEqual(['B (fast)', 'A (slow)']);
    await sub.close();
  });

  it('never shows a reader a number before every lower one, under concurrent writers', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => createContact(t, `W${i}`)));
    let position = BigInt(
      Buffer.from(await headCursor(t), 'base64url')
        .toString()
        .split(':')[2] as string,
    );
    const start = position;
    let writing = true;
    const violations: string[] = [];
    // A reader polling "everything after my position" must always get position+1, +2, … in a row.
    const reader = (async () => {
      while (writing || position < start + 200n) {
        // (Ordered by the bigint column, not by its text form.)
        const { rows } = await t.database.pool.query<{ seq: string }>(
          'select e.seq::text as seq from contact_events e where e.workspace_id = $1 and e.seq > $2 order by e.seq',
          [t.a.id, String(position)],
        );
        for (const { seq } of rows) {
          if (BigInt(seq) !== position + 1n) violations.push(`${position} → ${seq}`);
          position = BigInt(seq);
        }
        if (!writing && rows.length === 0) break;
      }
    })();
    await Promise.all(
      ids.map(async (id, w) => {
        for (let i = 0; i < 20; i++) await rename(t, id, `W${w}-${i}`);
      }),
    );
    writing = false;
    await reader;
    expect(violations).toEqual([]);
    expect(position - start).toBe(200n);
  });

  it('runs concurrent bulk and single writes on the same contacts without deadlocks or lost events', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => createContact(t, `D${i}`)));
    const org = await mutate(
      t,
      'mutation { createOrganization(input: { name: "Deadlock Inc" }) { ... on CreateOrganizationSuccess { organization { id } } } }',
    );
    const orgId = org.createOrganization.organization.id;
    const after = await headCursor(t);
    const writes = [
      ...ids.map((id, i) => rename(t, id, `D${i}-renamed`)),
      mutate(
        t,
        'mutation($input: SetContactsOrganizationInput!) { setContactsOrganization(input: $input) { __typename } }',
        {
          input: { organizationId: orgId, selection: { ids: [...ids].reverse() } },
        },
      ),
      ...ids.slice(0, 10).map((id) => rename(t, id, 'again')),
    ];
    const results = await Promise.all(writes);
    expect(results).toHaveLength(41);
    const listed = await mutate(
      t,
      'query($after: String) { contactEvents(after: $after, first: 100) { edges { cursor } } }',
      {
        after,
      },
    );
    // 30 renames + 30 organization changes + 10 second renames.
    expect(listed.contactEvents.edges).toHaveLength(70);
  });
});

describe('the README integration pattern', () => {
  it('resumes by itself after the server goes away: graphql-ws retries with the last cursor', async () => {
    const t = await startTestServer();
    // A second server on the same database: where the client lands after the first one stops.
    const other = await createServer(t.config, t.database, createLogger('silent'));
    const { url: otherUrl } = await other.listen(0, '127.0.0.1');
    let url = t.wsUrl;
    const received: { cursor: string; name: unknown }[] = [];
    const closes: number[] = [];
    const variables: { after?: string } = { after: await headCursor(t) };
    const client = createClient({
      url: () => url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${t.a.keys.read}` },
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: () => new Promise((r) => setTimeout(r, 50)),
      on: { closed: (e) => closes.push((e as { code: number }).code) },
    });
    client.subscribe<{ contactEvents: { cursor: string; snapshot: { name: unknown } } }>(
      { query: SUBSCRIPTION, variables },
      {
        next: ({ data }) => {
          const event = data?.contactEvents;
          if (!event) return;
          received.push({ cursor: event.cursor, name: event.snapshot.name });
          variables.after = event.cursor;
        },
        error: () => {},
        complete: () => {},
      },
    );
    const id = await createContact(t, 'v1');
    await waitFor(() => received.length === 1, 'the first event');
    // The first server stops; changes keep coming through the second one.
    url = otherUrl.replace(/^http/, 'ws');
    await t.server.close();
    const viaOther = (query: string, vars: Record<string, unknown>) =>
      fetch(otherUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.a.keys.admin}` },
        body: JSON.stringify({ query, variables: vars }),
      });
    for (const name of ['v2', 'v3', 'v4']) {
      await viaOther(
        'mutation($id: ID!, $name: String) { updateContact(input: { id: $id, name: $name }) { __typename } }',
        {
          id,
          name,
        },
      );
    }
    await waitFor(() => received.length === 4, 'the events missed while reconnecting');
    expect(closes[0]).toBe(1001);
    expect(received.map((e) => e.name)).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(new Set(received.map((e) => e.cursor)).size).toBe(4);
    await client.dispose();
    await other.close();
    await t.close();
  });
});

describe('an unexpected failure while executing an event', () => {
  it('reaches the subscriber masked, and the stream goes on', async () => {
    // A server of its own whose database lost a table the selection needs.
    const t = await startTestServer();
    try {
      const query = `subscription($after: String) { contactEvents(after: $after) { cursor contact { labels { name } } } }`;
      const sub = await subscribeWs(
        t.wsUrl,
        t.a.keys.read,
        { after: await headCursor(t) },
        { query },
      );
      await t.database.db.schema.dropTable('labels').cascade().execute();
      const id = await createContact(t, 'Broken');
      await waitFor(() => sub.errors.length > 0 || sub.events.length > 0, 'a result');
      expect(JSON.stringify(sub.errors)).toMatch(/INTERNAL_SERVER_ERROR/);
      expect(JSON.stringify(sub.errors)).not.toMatch(/relation|does not exist/);
      await rename(t, id, 'Still broken');
      await waitFor(() => sub.errors.length > 1, 'the next result');
      await sub.close();
    } finally {
      await t.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('sends WebSocket clients away with 1001 and breaks SSE streams so both resume elsewhere', async () => {
    const t = await startTestServer();
    const after = await headCursor(t);
    const ws = await subscribeWs(t.wsUrl, t.a.keys.read, { after });
    // Over a real HTTP connection: at shutdown it is the connection that is cut.
    const overHttp = (path: string, init: RequestInit) =>
      fetch(t.url.replace('/graphql', path), init);
    const sse = await subscribeSse(overHttp, t.a.keys.read, { after });
    await createContact(t, 'Last one');
    await ws.received(1);
    await sse.received(1);
    await t.server.close();
    await waitFor(() => ws.closes.length > 0, 'the socket to close');
    expect(ws.closes[0]?.code).toBe(1001);
    // The SSE stream was broken off, not completed: a completed stream means "no more events".
    await waitFor(() => sse.ended, 'the SSE stream to end');
    expect(sse.completed).toBe(false);
    expect(t.server.events.stats().subscribers).toBe(0);
    await t.close();
  });
});

function localId(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString().split(':')[1] as string;
}
