import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiKey } from '../src/db/api-keys.js';
import { type DatabaseHandle, openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createWorkspace } from '../src/db/workspaces.js';

/**
 * The contact event stream across real server processes sharing one database: a write on one
 * process reaches subscribers on another (woken by the bus, not the safety poll), and a client
 * that loses its process resumes elsewhere from its cursor with no gap and no duplicate.
 *
 * PostgreSQL only: the embedded PGlite is one process's own database, so there is nothing for a
 * second process to share. Without DATABASE_URL the whole file is skipped.
 */
const ROOT = join(import.meta.dirname, '..');
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const schema = `events_proc_${randomBytes(6).toString('hex')}`;
/** Far longer than any wait below: a delivery within seconds was woken by the bus. */
const POLL_MS = 60_000;
/** How long a live event may take from commit to the subscriber on another process. */
const DELIVERY_MS = 2500;

type ServerProcess = {
  name: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  wsUrl: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Milliseconds from spawn to "serving". */
  startMs: number;
};

type Received = {
  cursor: string;
  type: 'CONTACT_CREATED' | 'CONTACT_UPDATED' | 'CONTACT_DELETED';
  contactId: string;
  snapshot: Record<string, unknown>;
  changes: { field: string; before: unknown; after: unknown }[];
};

const EVENT_FIELDS = 'cursor type contactId snapshot changes { field before after }';
const SUBSCRIPTION = `subscription($after: String) { contactEvents(after: $after) { ${EVENT_FIELDS} } }`;

/** Every child still running, started or not, so afterAll can kill it. */
const children = new Set<ChildProcessByStdio<null, Readable, Readable>>();

/** `npm start` as an operator runs it, on this file's schema; resolves once it serves. */
async function startServer(name: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  // The suite may run with another bus in its environment; each process here says its own.
  delete base.EVENT_BUS;
  delete base.REDIS_URL;
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...base,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      HOST: '127.0.0.1',
      PORT: '0',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      EVENT_POLL_MS: String(POLL_MS),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    // Visible as it happens: a crash or a warning explains a failure below.
    process.stderr.write(chunk.replace(/^(?=.)/gm, `[${name}] `));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within 30 s; stderr:\n${stderr}`)),
      30_000,
    );
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /serving (http:\/\/\S+\/graphql)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before serving; stderr:\n${stderr}`));
    });
  });
  if (new URL(url).port === '0' || new URL(url).port === '') {
    throw new Error(`${name} printed no actual port: ${url}`);
  }
  const server: ServerProcess = {
    name,
    child,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    stderr: () => stderr,
    exited,
    startMs: Date.now() - started,
  };
  return server;
}

/** Sends `signal` and waits for the exit; fails the test if it takes longer than `timeoutMs`. */
async function stop(server: ServerProcess, signal: NodeJS.Signals, timeoutMs = 10_000) {
  const t0 = Date.now();
  server.child.kill(signal);
  const exit = await withTimeout(server.exited, timeoutMs, `${server.name} to exit on ${signal}`);
  return { ...exit, ms: Date.now() - t0 };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = DELIVERY_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let database: DatabaseHandle | undefined;
let apiKey = '';

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field.
type Data = any;

async function gql(
  server: ServerProcess,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Data> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${apiKey}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Data; errors?: unknown[] };
  if (body.errors?.length || !body.data) {
    throw new Error(`${server.name}: HTTP ${response.status} ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

async function createContact(server: ServerProcess, input: Record<string, unknown>) {
  const data = await gql(
    server,
    `mutation($input: CreateContactInput!) { createContact(input: $input) {
      __typename ... on CreateContactSuccess { contact { id } } } }`,
    { input },
  );
  expect(data.createContact.__typename).toBe('CreateContactSuccess');
  return data.createContact.contact.id as string;
}

async function updateContact(server: ServerProcess, input: Record<string, unknown>) {
  const data = await gql(
    server,
    `mutation($input: UpdateContactInput!) { updateContact(input: $input) { __typename } }`,
    { input },
  );
  expect(data.updateContact.__typename).toBe('UpdateContactSuccess');
}

async function headCursor(server: ServerProcess): Promise<string> {
  return (await gql(server, '{ contactEvents(first: 0) { headCursor } }')).contactEvents.headCursor;
}

/** Every stored event after `after`, oldest first, page by page. */
async function storedEvents(server: ServerProcess, after: string): Promise<Received[]> {
  const all: Received[] = [];
  let cursor: string | null = after;
  for (;;) {
    const data = await gql(
      server,
      `query($after: String) { contactEvents(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { ${EVENT_FIELDS} } } } }`,
      { after: cursor },
    );
    const page = data.contactEvents as {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: Received }[];
    };
    all.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return all;
    cursor = page.pageInfo.endCursor;
  }
}

type Watch = {
  events: Received[];
  /** When each event arrived (Date.now()). */
  arrivals: number[];
  errors: unknown[];
  closes: { code: number; reason: string }[];
  dispose(): Promise<void>;
};

/** A real graphql-ws client on `server`, no retries: what it sees is what that socket gave. */
async function watch(server: ServerProcess, after?: string): Promise<Watch> {
  const w: Watch = {
    events: [],
    arrivals: [],
    errors: [],
    closes: [],
    dispose: async () => client.dispose(),
  };
  let connected!: () => void;
  let failed!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    connected = resolve;
    failed = reject;
  });
  const client = createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${apiKey}` },
    retryAttempts: 0,
    lazy: true,
    on: {
      connected: () => connected(),
      closed: (event) => {
        const e = event as { code: number; reason: string };
        w.closes.push({ code: e.code, reason: e.reason });
        failed(new Error(`socket to ${server.name} closed (${e.code}) before connecting`));
      },
    },
  });
  client.subscribe<{ contactEvents: Received }>(
    { query: SUBSCRIPTION, variables: { after } },
    {
      next: (result) => {
        if (result.errors) w.errors.push(...result.errors);
        if (result.data?.contactEvents) {
          w.events.push(result.data.contactEvents);
          w.arrivals.push(Date.now());
        }
      },
      error: (error) => w.errors.push(error),
      complete: () => {},
    },
  );
  await withTimeout(ready, 5000, `a graphql-ws connection to ${server.name}`);
  // The subscribe message follows connection_ack; give the server a moment to start the stream.
  await new Promise((r) => setTimeout(r, 150));
  return w;
}

const nameOf = (e: Received) => e.snapshot.name;

describe.skipIf(!databaseUrl)('contact events across server processes', { timeout: 30_000 }, () => {
  let p1: ServerProcess;
  let p2: ServerProcess;

  beforeAll(async () => {
    const url = databaseUrl as string;
    database = await openDatabase({ kind: 'postgres', url, schema, poolSize: 2 });
    await sql`create schema ${sql.id(schema)}`.execute(database.db);
    await migrateToLatest(database.db, schema);
    const workspace = await createWorkspace(database.db, 'Processes');
    apiKey = (await createApiKey(database.db, workspace.id, ['read', 'write', 'admin'])).key;
    [p1, p2] = await Promise.all([startServer('p1'), startServer('p2')]);
    console.log(`p1 started in ${p1.startMs} ms, p2 in ${p2.startMs} ms`);
  });

  afterAll(async () => {
    await Promise.all(
      [...children].map((child) => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    if (database) {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
      await database.close();
    }
  });

  /** Create and update through `writer`; `reader`'s subscriber gets both, in order, live. */
  async function expectCrossProcessDelivery(writer: ServerProcess, reader: ServerProcess) {
    const head = await headCursor(writer);
    const sub = await watch(reader, head);
    const email = `ada.${writer.name}.${reader.name}@example.com`;
    try {
      const createdAt = Date.now();
      const id = await createContact(writer, { name: 'Ada', email });
      await waitFor(() => sub.events.length >= 1, `the create on ${reader.name}`);
      const updatedAt = Date.now();
      await updateContact(writer, { id, name: 'Ada Lovelace', countryCode: 'gb' });
      await waitFor(() => sub.events.length >= 2, `the update on ${reader.name}`);
      // Nothing more arrives (no duplicate from replay and live both).
      await new Promise((r) => setTimeout(r, 100));

      expect(sub.errors).toEqual([]);
      expect(sub.events.map((e) => [e.type, e.contactId])).toEqual([
        ['CONTACT_CREATED', id],
        ['CONTACT_UPDATED', id],
      ]);
      const [created, updated] = sub.events as [Received, Received];
      expect(created.changes).toEqual([]);
      expect(created.snapshot).toMatchObject({ name: 'Ada', email });
      const changes = Object.fromEntries(updated.changes.map((c) => [c.field, c]));
      expect(Object.keys(changes).sort()).toEqual(['countryCode', 'name']);
      expect(changes.name).toEqual({ field: 'name', before: 'Ada', after: 'Ada Lovelace' });
      expect(changes.countryCode).toMatchObject({ before: null, after: 'GB' });
      expect(updated.snapshot).toMatchObject({ name: 'Ada Lovelace', countryCode: 'GB' });
      // The same events, cursors and order as the store holds.
      const stored = await storedEvents(writer, head);
      expect(sub.events.map((e) => e.cursor)).toEqual(stored.map((e) => e.cursor));
      const latency = [(sub.arrivals[0] ?? 0) - createdAt, (sub.arrivals[1] ?? 0) - updatedAt];
      console.log(`${writer.name} → ${reader.name}: delivered in ${latency.join(' ms, ')} ms`);
    } finally {
      await sub.dispose();
    }
  }

  it('delivers a write on one process to a subscriber on another, over LISTEN/NOTIFY', async () => {
    await expectCrossProcessDelivery(p1, p2);
    // And the other way round: either process's writes wake the other.
    await expectCrossProcessDelivery(p2, p1);
  });

  it('delivers across processes over the Redis bus', async (ctx) => {
    const redis = new Redis(redisUrl, {
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    const up = await redis.connect().then(
      () => redis.ping().then((r) => r === 'PONG'),
      () => false,
    );
    redis.disconnect();
    if (!up) ctx.skip(`Redis does not answer at ${redisUrl}`);

    const env = { EVENT_BUS: 'redis', REDIS_URL: redisUrl };
    const [r1, r2] = await Promise.all([startServer('r1', env), startServer('r2', env)]);
    console.log(`r1 started in ${r1.startMs} ms, r2 in ${r2.startMs} ms`);
    await expectCrossProcessDelivery(r1, r2);
    const exits = await Promise.all([stop(r1, 'SIGTERM'), stop(r2, 'SIGTERM')]);
    expect(exits.map(({ code, signal }) => ({ code, signal }))).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  it('resumes from the last received cursor elsewhere after the process is SIGKILLed, with no gap or duplicate', async () => {
    const UPDATES = 100;
    const head = await headCursor(p1);
    const first = await watch(p2, head);
    const id = await createContact(p1, { name: 'Name -1' });
    let written = 0;
    let second: Watch | undefined;
    let resumed!: () => void;
    const resumedOnP1 = new Promise<void>((resolve) => {
      resumed = resolve;
    });
    // The writer never pauses for the kill: updates are committed (and in flight to p2) while
    // it dies. It only waits, past two thirds, until the client has resumed, so that some
    // updates are surely made after the resume and reach it live.
    let writeFailure: unknown;
    const writer = (async () => {
      for (let i = 0; i < UPDATES; i += 1) {
        if (i === Math.floor((UPDATES * 2) / 3)) await resumedOnP1;
        await updateContact(p1, { id, name: `Name ${i}` });
        written += 1;
      }
    })().catch((error: unknown) => {
      writeFailure = error;
    });
    try {
      await waitFor(
        () => {
          if (writeFailure) throw writeFailure;
          return first.events.length >= 20;
        },
        '20 events on p2 before the kill',
        10_000,
      );
      const writtenAtKill = written;
      const exit = await stop(p2, 'SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      await waitFor(() => first.closes.length > 0, 'the client to see its socket die');
      // What a client keeps: the cursor of the last event it got.
      const lastCursor = first.events.at(-1)?.cursor;
      const receivedBeforeKill = first.events.length;
      const writtenAtResume = written;
      second = await watch(p1, lastCursor);
      resumed();
      await writer;
      if (writeFailure) throw writeFailure;

      const stored = await storedEvents(p1, head);
      expect(stored).toHaveLength(1 + UPDATES);
      const lastStored = stored.at(-1)?.cursor;
      const after = second;
      await waitFor(
        () => after.events.at(-1)?.cursor === lastStored,
        'the resumed subscription to reach the last stored event',
      );
      await new Promise((r) => setTimeout(r, 100));

      // Nothing arrived on the dead socket after the kill, and it did not close normally.
      expect(first.events).toHaveLength(receivedBeforeKill);
      expect(first.closes[0]?.code).not.toBe(1000);
      expect(after.errors).toEqual([]);
      expect(after.events.length).toBeGreaterThan(0);

      const union = [...first.events, ...after.events];
      expect(union.map((e) => e.cursor)).toEqual(stored.map((e) => e.cursor));
      expect(union.map((e) => [e.type, nameOf(e)])).toEqual([
        ['CONTACT_CREATED', 'Name -1'],
        ...Array.from({ length: UPDATES }, (_, i) => ['CONTACT_UPDATED', `Name ${i}`]),
      ]);
      for (const [i, event] of union.entries()) {
        if (i === 0) continue;
        expect(event.changes).toEqual([
          { field: 'name', before: i === 1 ? 'Name -1' : `Name ${i - 2}`, after: `Name ${i - 1}` },
        ]);
      }
      console.log(
        `SIGKILL after ${writtenAtKill} updates written, ${receivedBeforeKill} events received ` +
          `(socket closed ${first.closes[0]?.code}); resumed on p1 after ${writtenAtResume} ` +
          `updates, which sent ${after.events.length} events`,
      );
    } finally {
      resumed();
      await writer;
      await first.dispose();
      await second?.dispose();
    }
  });

  it('on SIGTERM sends WebSocket clients away with 1001 and exits 0', async () => {
    const head = await headCursor(p1);
    const sub = await watch(p1, head);
    try {
      await createContact(p1, { name: 'Grace' });
      await waitFor(() => sub.events.length === 1, 'the subscription to be live');
      const exit = await stop(p1, 'SIGTERM');
      await waitFor(() => sub.closes.length > 0, 'the close of the socket');
      expect(sub.closes).toHaveLength(1);
      expect(sub.closes[0]?.code).toBe(1001);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      console.log(`SIGTERM: exited ${exit.code} in ${exit.ms} ms; close ${sub.closes[0]?.code}`);
      expect(p1.stderr()).not.toMatch(/Error|unhandled/i);
    } finally {
      await sub.dispose();
    }
  });
});
