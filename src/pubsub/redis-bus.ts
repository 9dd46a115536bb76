import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { busOverPubSub, schemaOf, type Topics } from './bus-over-pubsub.js';
import type { CreateEventBusOptions } from './create-bus.js';
import { describeError } from './postgres-event-target.js';

/** The Redis bus: `@graphql-yoga/redis-event-target` over two ioredis clients. */
export async function createRedisBus(
  url: string,
  options: CreateEventBusOptions,
): Promise<EventBus> {
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
