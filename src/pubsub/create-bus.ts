import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { DatabaseConfig, EventsConfig } from '../config.js';
import type { DatabaseHandle } from '../db/connect.js';
import type { Logger } from '../logger.js';
import {
  type EventBus,
  type EventBusHandlers,
  type EventBusKind,
  type EventNote,
  POSTGRES_CHANNEL,
} from './bus.js';
import { createPostgresEventTarget, describeError } from './postgres-event-target.js';

export type CreateEventBusOptions = {
  config: EventsConfig['bus'];
  database: DatabaseHandle;
  /** The connection string (postgres bus) and the schema notes are scoped to. */
  databaseConfig: DatabaseConfig;
  log: Logger;
};

export type PostgresEventBus = EventBus & {
  readonly kind: 'postgres';
  /** Backend pid of the LISTEN connection (undefined on PGlite or while reconnecting); tests kill it. */
  listenerPid(): number | undefined;
};

/** Payloads are untrusted (another process, another version) until `readNote` has read them. */
type Topics = Record<string, [unknown]>;

/** The memory topic; the other buses name theirs after the channel they travel on. */
const MEMORY_TOPIC = 'contact-events';

/** Memory, PostgreSQL LISTEN/NOTIFY or Redis: one yoga pub/sub, a different event target. */
export async function createEventBus(options: CreateEventBusOptions): Promise<EventBus> {
  switch (options.config.kind) {
    case 'memory':
      return busOverPubSub({
        kind: 'memory',
        pubsub: createPubSub<Topics>(),
        topic: MEMORY_TOPIC,
        log: options.log,
      }).eventBus;
    case 'postgres':
      return createPostgresBus(options);
    case 'redis':
      return createRedisBus(options.config.url, options);
  }
}

async function createPostgresBus(options: CreateEventBusOptions): Promise<PostgresEventBus> {
  const { database, databaseConfig, log } = options;
  const schema = schemaOf(databaseConfig);
  let listener: Parameters<typeof createPostgresEventTarget>[0]['listener'];
  if (databaseConfig.kind === 'postgres' && database.kind === 'postgres') {
    // LISTEN ignores search_path, so the plain connection string is enough.
    listener = { kind: 'postgres', connectionString: databaseConfig.url };
  } else if (database.pglite) {
    listener = { kind: 'pglite', pglite: database.pglite };
  } else {
    throw new Error('Event bus: the postgres bus needs a PostgreSQL server or an embedded PGlite');
  }
  // Set once the bus exists; a reconnect cannot happen before the first connect returns.
  let resyncAll = () => {};
  const eventTarget = await createPostgresEventTarget({
    pool: database.pool,
    listener,
    log,
    onReconnect: () => resyncAll(),
  });
  const bus = busOverPubSub({
    kind: 'postgres',
    pubsub: createPubSub<Topics>({ eventTarget }),
    topic: POSTGRES_CHANNEL,
    log,
    // The trigger puts current_schema() in every note; schemas share one database (and so
    // one channel), so a note for another schema is another tenant's business.
    belongsHere: (detail) => isRecord(detail) && detail.schema === schema,
    // The outbox trigger already sent a NOTIFY, which PostgreSQL delivers at commit; a second
    // one from here would only wake every reader twice.
    announce: () => {},
    close: () => eventTarget.close(),
  });
  resyncAll = bus.resyncAll;
  await eventTarget.ready();
  return { ...bus.eventBus, kind: 'postgres', listenerPid: () => eventTarget.listenerPid() };
}

async function createRedisBus(url: string, options: CreateEventBusOptions): Promise<EventBus> {
  const { databaseConfig, log } = options;
  // Redis has no schemas: the channel carries the schema so co-tenants do not cross-talk.
  const channel = `contactgraph:events:${schemaOf(databaseConfig)}`;
  const publishClient = new Redis(url);
  const subscribeClient = new Redis(url);
  for (const [role, client] of [
    ['publish', publishClient],
    ['subscribe', subscribeClient],
  ] as const) {
    // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
    client.on('error', (error) =>
      log.warn('event bus: redis error', { role, ...describeError(error) }),
    );
  }
  const eventTarget = createRedisEventTarget<CustomEvent<unknown>>({
    publishClient: withCaughtCommands(publishClient, log),
    subscribeClient: withCaughtCommands(subscribeClient, log),
  });
  const bus = busOverPubSub({
    kind: 'redis',
    pubsub: createPubSub<Topics>({ eventTarget }),
    topic: channel,
    log,
    close: async () => {
      await Promise.all([publishClient, subscribeClient].map(closeRedis));
    },
  });

  // A second SUBSCRIBE to the same channel is a no-op for Redis, and its reply comes after
  // that of every SUBSCRIBE queued before it: once it resolves, the channel is live.
  const subscribed = () => subscribeClient.subscribe(channel);
  let readyCount = 0;
  subscribeClient.on('ready', () => {
    readyCount += 1;
    if (readyCount === 1) return;
    // ioredis re-subscribed before emitting 'ready'; wait for that to be live, then tell readers.
    subscribed().then(bus.resyncAll, (error: unknown) =>
      log.warn('event bus: redis re-subscribe failed', describeError(error)),
    );
  });
  try {
    await subscribed();
  } catch (error) {
    await bus.eventBus.close();
    throw error;
  }
  return bus.eventBus;
}

type BusParts = {
  kind: EventBusKind;
  pubsub: PubSub<Topics>;
  topic: string;
  log: Logger;
  /** False drops a payload silently: it is someone else's. */
  belongsHere?: (detail: unknown) => boolean;
  /** Defaults to publishing the note on the topic. */
  announce?: (note: EventNote) => void;
  close?: () => Promise<void>;
};

/**
 * One subscription per bus, started at once (so a note sent right after creation is seen),
 * fanned out to the handlers in-process; `listen` just joins the fan-out.
 */
function busOverPubSub(parts: BusParts): { eventBus: EventBus; resyncAll: () => void } {
  const { pubsub, topic, log } = parts;
  const handlers = new Set<EventBusHandlers>();
  const each = (call: (handlers: EventBusHandlers) => void) => {
    // A snapshot, so a handler that unsubscribes (or subscribes) mid-delivery is safe.
    for (const handler of [...handlers]) {
      try {
        call(handler);
      } catch (error) {
        log.error('event bus: handler failed', describeError(error));
      }
    }
  };

  // Iterating runs the repeater's executor synchronously, so the event target has its
  // listener before this function returns.
  const subscription = pubsub.subscribe(topic);
  const pumping = (async () => {
    for await (const detail of subscription) {
      if (parts.belongsHere && !parts.belongsHere(detail)) continue;
      const note = isRecord(detail) ? readNote(detail) : undefined;
      if (note) each((handler) => handler.note(note));
      else log.warn('event bus: ignored a malformed note', { topic });
    }
  })().catch((error: unknown) => log.error('event bus: subscription failed', describeError(error)));

  let closing: Promise<void> | undefined;
  const eventBus: EventBus = {
    kind: parts.kind,
    announce: parts.announce ?? ((note) => pubsub.publish(topic, note)),
    listen(handler) {
      // A wrapper per call: the same handlers object may listen twice and unsubscribe once.
      const entry: EventBusHandlers = {
        note: (n) => handler.note(n),
        resync: () => handler.resync(),
      };
      handlers.add(entry);
      return () => {
        handlers.delete(entry);
      };
    },
    close() {
      closing ??= (async () => {
        handlers.clear();
        await subscription.return();
        await pumping;
        await parts.close?.();
      })();
      return closing;
    },
  };
  return { eventBus, resyncAll: () => each((handler) => handler.resync()) };
}

/** The schema notes belong to: the configured one on a server, `public` in PGlite. */
function schemaOf(config: DatabaseConfig): string {
  return config.kind === 'postgres' ? config.schema : 'public';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Ids are strings (int8 stays exact); a trigger that forgot the ::text cast still works. */
function readNote(detail: Record<string, unknown>): EventNote | undefined {
  const workspaceId = readId(detail.workspaceId);
  if (workspaceId === undefined) return undefined;
  const seq = readId(detail.seq);
  return seq === undefined ? { workspaceId } : { workspaceId, seq };
}

function readId(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/**
 * The Redis event target drops the promises of publish/subscribe/unsubscribe. While Redis is
 * down they reject, and an unhandled rejection ends a Node process: catch and log them.
 */
function withCaughtCommands(client: Redis, log: Logger): Redis {
  const dropped = new Set<PropertyKey>(['publish', 'subscribe', 'unsubscribe']);
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!dropped.has(property)) return value.bind(target);
      return (...args: unknown[]) =>
        (value.apply(target, args) as Promise<unknown>).catch((error: unknown) =>
          log.warn('event bus: redis command failed', {
            command: String(property),
            ...describeError(error),
          }),
        );
    },
  });
}

/** QUIT lets queued commands (the last UNSUBSCRIBE) finish; a client that is away just stops. */
async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}
