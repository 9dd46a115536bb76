import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { type QueryExecutorProvider, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig, EventsConfig } from '../src/config.js';
import { type DatabaseHandle, openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { type EventBus, type EventNote, POSTGRES_CHANNEL } from '../src/pubsub/bus.js';
import { createEventBus, type PostgresEventBus } from '../src/pubsub/create-bus.js';

// The database the way test/harness.ts opens it: PGlite in memory by default, a fresh schema
// on PostgreSQL when DATABASE_URL is set.
const databaseUrl = process.env.DATABASE_URL;
const testSchema = `test_${randomBytes(6).toString('hex')}`;
const databaseConfig: DatabaseConfig = databaseUrl
  ? { kind: 'postgres', url: databaseUrl, schema: testSchema, poolSize: 5 }
  : { kind: 'pglite', dataDir: 'memory://' };
/** The schema the postgres bus passes notes for (PGlite has only `public`). */
const ourSchema = databaseConfig.kind === 'postgres' ? testSchema : 'public';
const log = createLogger('silent');

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisAvailable = await redisAnswers(redisUrl);

let database: DatabaseHandle;
const openBuses: EventBus[] = [];

beforeAll(async () => {
  database = await openDatabase(databaseConfig);
  if (databaseConfig.kind === 'postgres') {
    await sql`create schema ${sql.id(testSchema)}`.execute(database.db);
  }
  await migrateToLatest(database.db, ourSchema);
});

afterEach(async () => {
  await Promise.all(openBuses.splice(0).map((bus) => bus.close()));
});

afterAll(async () => {
  if (databaseConfig.kind === 'postgres') {
    await sql`drop schema ${sql.id(testSchema)} cascade`.execute(database.db);
  }
  await database?.close();
});

async function openBus(
  config: EventsConfig['bus'],
  busDatabaseConfig: DatabaseConfig = databaseConfig,
): Promise<EventBus> {
  const bus = await createEventBus({
    config,
    database,
    databaseConfig: busDatabaseConfig,
    log,
  });
  openBuses.push(bus);
  return bus;
}

/** A handler that records what it is told. */
function recorder(bus: EventBus) {
  const notes: EventNote[] = [];
  let resyncs = 0;
  const unsubscribe = bus.listen({
    note: (note) => notes.push(note),
    resync: () => {
      resyncs += 1;
    },
  });
  return { notes, resyncs: () => resyncs, unsubscribe };
}

/** Polls until `predicate` holds; fails with `what` after `timeoutMs`. */
async function waitFor(what: string, predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** An explicit pg_notify, as the outbox trigger sends (the tests must not depend on it). */
const notify = (payload: object, db: QueryExecutorProvider = database.db) =>
  sql`select pg_notify(${POSTGRES_CHANNEL}, ${JSON.stringify(payload)})`.execute(db);

describe('memory bus', () => {
  it('delivers announced notes to listeners until they unsubscribe', async () => {
    const bus = await openBus({ kind: 'memory' });
    const leaving = recorder(bus);
    const staying = recorder(bus);

    bus.announce({ workspaceId: '1', seq: '2' });
    await waitFor('the first note', () => leaving.notes.length === 1);
    expect(leaving.notes).toEqual([{ workspaceId: '1', seq: '2' }]);

    leaving.unsubscribe();
    bus.announce({ workspaceId: '1', seq: '3' });
    // Both handlers are called from the same delivery: once `staying` has it, `leaving` would too.
    await waitFor('the second note', () => staying.notes.length === 2);
    expect(leaving.notes).toEqual([{ workspaceId: '1', seq: '2' }]);
    expect(leaving.resyncs()).toBe(0);
  });
});

describe(`postgres bus on ${databaseConfig.kind}`, () => {
  it('passes on a NOTIFY for our schema as a note', async () => {
    const bus = await openBus({ kind: 'postgres' });
    const listener = recorder(bus);
    await notify({ schema: ourSchema, workspaceId: '1', seq: '2' });
    await waitFor('the note', () => listener.notes.length === 1);
    expect(listener.notes).toEqual([{ workspaceId: '1', seq: '2' }]);
  });

  it('drops notes of another schema', async () => {
    const bus = await openBus({ kind: 'postgres' });
    const listener = recorder(bus);
    await notify({ schema: `${ourSchema}_other`, workspaceId: '1', seq: '5' });
    // NOTIFYs from sequential commits arrive in commit order: the marker comes after the other.
    await notify({ schema: ourSchema, workspaceId: '1', seq: 'marker' });
    await waitFor('the marker', () => listener.notes.length > 0);
    expect(listener.notes).toEqual([{ workspaceId: '1', seq: 'marker' }]);
  });

  it('delivers a NOTIFY at commit and never after a rollback', async () => {
    const bus = await openBus({ kind: 'postgres' });
    const listener = recorder(bus);

    await expect(
      database.db.transaction().execute(async (tx) => {
        await notify({ schema: ourSchema, workspaceId: '1', seq: 'rolled-back' }, tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    await database.db.transaction().execute(async (tx) => {
      await notify({ schema: ourSchema, workspaceId: '1', seq: 'committed' }, tx);
      // Only a short look: the claim is "not before commit", and it fails fast if broken.
      await sleep(150);
      expect(listener.notes).toEqual([]);
    });
    await waitFor('the committed note', () => listener.notes.length > 0);
    expect(listener.notes).toEqual([{ workspaceId: '1', seq: 'committed' }]);
  });

  it('ignores announce (the trigger notifies) and is closed idempotently', async () => {
    const bus = await openBus({ kind: 'postgres' });
    const listener = recorder(bus);
    bus.announce({ workspaceId: '1', seq: 'announced' });
    await notify({ schema: ourSchema, workspaceId: '1', seq: 'marker' });
    await waitFor('the marker', () => listener.notes.length > 0);
    expect(listener.notes).toEqual([{ workspaceId: '1', seq: 'marker' }]);
    await bus.close();
    await expect(bus.close()).resolves.toBeUndefined();
  });

  // Only a real server has a listener connection to lose; PGlite runs in this process.
  it.skipIf(!databaseUrl)('reconnects after its listener backend is terminated', async () => {
    const bus = (await openBus({ kind: 'postgres' })) as PostgresEventBus;
    const listener = recorder(bus);
    const pid = bus.listenerPid();
    expect(pid).toEqual(expect.any(Number));

    const { rows } = await sql<{ terminated: boolean }>`
      select pg_terminate_backend(${pid}::int) as terminated`.execute(database.db);
    expect(rows[0]?.terminated).toBe(true);

    await waitFor('resync after reconnect', () => listener.resyncs() === 1, 5000);
    expect(bus.listenerPid()).toEqual(expect.any(Number));
    expect(bus.listenerPid()).not.toBe(pid);

    await notify({ schema: ourSchema, workspaceId: '1', seq: 'after-reconnect' });
    await waitFor('a note after reconnect', () => listener.notes.length > 0);
    expect(listener.notes).toEqual([{ workspaceId: '1', seq: 'after-reconnect' }]);
  });

  // A restart cannot be done to the shared server, so the listener goes through a TCP proxy
  // that this test stops (connections cut, new ones refused) and starts again.
  it.skipIf(!databaseUrl)('keeps retrying while the server is away, then resyncs', async () => {
    const target = new URL(databaseUrl ?? '');
    const proxy = await startProxy(target.hostname, Number(target.port || 5432));
    try {
      const proxiedUrl = new URL(target);
      proxiedUrl.host = `127.0.0.1:${proxy.port}`;
      const bus = await openBus(
        { kind: 'postgres' },
        { kind: 'postgres', url: proxiedUrl.href, schema: testSchema, poolSize: 1 },
      );
      const listener = recorder(bus);

      await proxy.stop();
      // Long enough for a few refused attempts (100 ms, 200 ms, ...), short of the 5 s cap.
      await sleep(400);
      expect(listener.resyncs()).toBe(0);
      await proxy.start();

      await waitFor('resync after the server came back', () => listener.resyncs() === 1, 5000);
      await notify({ schema: ourSchema, workspaceId: '1', seq: 'after-restart' });
      await waitFor('a note after the restart', () => listener.notes.length > 0);
      expect(listener.notes).toEqual([{ workspaceId: '1', seq: 'after-restart' }]);
    } finally {
      await proxy.stop();
    }
  });
});

/** Forwards a local port to host:port; `stop` cuts every connection and refuses new ones. */
async function startProxy(host: string, port: number) {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  const listenOn = (localPort: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(localPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listenOn(0);
  const localPort = (server.address() as AddressInfo).port;
  return {
    port: localPort,
    start: () => listenOn(localPort),
    async stop() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Redis is a separate service: run where it answers (it does on the dev machine and in CI).
describe.skipIf(!redisAvailable)('redis bus', () => {
  const redisBus = { kind: 'redis', url: redisUrl } as const;
  /**
   * The redis bus takes only the schema from the database config (it names the channel). A
   * random schema per test keeps parallel test files, which all share one Redis, apart.
   */
  const schemaConfig = (schema = `test_${randomBytes(6).toString('hex')}`): DatabaseConfig => ({
    kind: 'postgres',
    url: 'postgres://unused.invalid/never-connected',
    schema,
    poolSize: 1,
  });

  it('carries an announce from one bus instance to another', async () => {
    const config = schemaConfig();
    const sender = await openBus(redisBus, config);
    const receiver = await openBus(redisBus, config);
    const heard = recorder(receiver);
    sender.announce({ workspaceId: '7', seq: '8' });
    await waitFor('the note on the other instance', () => heard.notes.length === 1);
    expect(heard.notes).toEqual([{ workspaceId: '7', seq: '8' }]);
  });

  it('keeps schemas apart', async () => {
    const ours = schemaConfig();
    const receiver = await openBus(redisBus, ours);
    const stranger = await openBus(redisBus, schemaConfig());
    const sender = await openBus(redisBus, ours);
    const heard = recorder(receiver);
    const strangerHeard = recorder(stranger);
    stranger.announce({ workspaceId: '1', seq: 'stranger' });
    // Once the stranger hears its own note, Redis has fanned it out; anything it sent to the
    // receiver's connection would come before the marker published after that.
    await waitFor("the stranger's own note", () => strangerHeard.notes.length === 1);
    sender.announce({ workspaceId: '1', seq: 'marker' });
    await waitFor('the marker', () => heard.notes.length > 0);
    expect(heard.notes).toEqual([{ workspaceId: '1', seq: 'marker' }]);
  });

  it('resyncs and still delivers after its subscriber connection is killed', async () => {
    const bus = await openBus(redisBus, schemaConfig());
    const listener = recorder(bus);
    const admin = new Redis(redisUrl);
    try {
      const killed = await admin.client('KILL', 'TYPE', 'pubsub');
      expect(Number(killed)).toBeGreaterThanOrEqual(1);
    } finally {
      admin.disconnect();
    }
    await waitFor('resync after reconnect', () => listener.resyncs() >= 1, 5000);
    bus.announce({ workspaceId: '1', seq: 'after-reconnect' });
    await waitFor('a note after reconnect', () => listener.notes.length > 0);
    expect(listener.notes).toEqual([{ workspaceId: '1', seq: 'after-reconnect' }]);
  });
});

/** A short ping: a missing Redis should skip its tests, not hang the file. */
async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
