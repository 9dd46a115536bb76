import { createPubSub } from 'graphql-yoga';
import type { DatabaseConfig, EventsConfig } from '../config.js';
import type { DatabaseHandle } from '../db/connect.js';
import type { Logger } from '../logger.js';
import { type EventBus, POSTGRES_CHANNEL } from './bus.js';
import { busOverPubSub, isRecord, schemaOf, type Topics } from './bus-over-pubsub.js';
import { createPostgresEventTarget } from './postgres-event-target.js';
import { createRedisBus } from './redis-bus.js';

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
    // The outbox already sent a NOTIFY as it numbered the events, delivered at commit; a second
    // one from here would only wake every reader twice.
    announce: () => {},
    close: () => eventTarget.close(),
  });
  resyncAll = bus.resyncAll;
  await eventTarget.ready();
  return { ...bus.eventBus, kind: 'postgres', listenerPid: () => eventTarget.listenerPid() };
}
