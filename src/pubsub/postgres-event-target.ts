import type { PGlite } from '@electric-sql/pglite';
import type { PubSubEventTarget } from 'graphql-yoga';
import pg from 'pg';
import type { Logger } from '../logger.js';

/**
 * A yoga pub/sub event target over PostgreSQL LISTEN/NOTIFY, modelled on
 * `@graphql-yoga/redis-event-target`: an event's type is the channel, its detail the JSON payload.
 * Listeners LISTEN on the first callback of a channel and UNLISTEN after the last one.
 */

/** Where LISTEN runs: the embedded database, or a dedicated connection to a real server. */
export type PostgresListenerSource =
  | { kind: 'pglite'; pglite: PGlite }
  | { kind: 'postgres'; connectionString: string };

export type PostgresEventTargetOptions = {
  /** Sends NOTIFY for `dispatchEvent`; any connection will do. */
  pool: pg.Pool;
  listener: PostgresListenerSource;
  log: Logger;
  /** The listener connection came back: notifications sent while it was away are lost. */
  onReconnect?: () => void;
  /** Delay before reconnect attempts: `initialMs`, doubling up to `maxMs`, until closed. */
  backoff?: { initialMs: number; maxMs: number };
};

type Topics = Record<string, [unknown]>;
type TopicEvent = CustomEvent<unknown>;

export type PostgresEventTarget = PubSubEventTarget<Topics> & {
  /** Settles once the LISTEN/UNLISTEN for every listener change so far has been sent. */
  ready(): Promise<void>;
  /** Backend pid of the dedicated listener connection (undefined on PGlite, or while away). */
  listenerPid(): number | undefined;
  close(): Promise<void>;
};

/** What the target needs from a LISTEN connection. */
type ChannelListener = {
  /** Makes the LISTENed channels equal `wanted()`. */
  sync(): Promise<void>;
  pid(): number | undefined;
  close(): Promise<void>;
};

type ListenerContext = {
  wanted: () => string[];
  deliver: (channel: string, payload: string) => void;
  log: Logger;
};

const DEFAULT_BACKOFF = { initialMs: 100, maxMs: 5000 };

/** Connects the listener first, so a bad database fails start-up rather than retrying silently. */
export async function createPostgresEventTarget(
  options: PostgresEventTargetOptions,
): Promise<PostgresEventTarget> {
  const { pool, log } = options;
  // Stored as given, so removeEventListener finds the very object addEventListener got.
  const callbacksByChannel = new Map<string, Set<EventListenerOrEventListenerObject>>();
  const context: ListenerContext = {
    wanted: () => [...callbacksByChannel.keys()],
    deliver(channel, payload) {
      const callbacks = callbacksByChannel.get(channel);
      if (!callbacks) return;
      let detail: unknown;
      try {
        detail = payload === '' ? null : JSON.parse(payload);
      } catch {
        log.warn('event bus: ignored a notification that is not JSON', { channel });
        return;
      }
      const event = new CustomEvent(channel, { detail });
      for (const callback of [...callbacks]) {
        if (typeof callback === 'function') callback(event);
        else callback.handleEvent(event);
      }
    },
    log,
  };
  const listener =
    options.listener.kind === 'pglite'
      ? pgliteListener(options.listener.pglite, context)
      : await clientListener(options.listener.connectionString, context, {
          onReconnect: options.onReconnect ?? (() => {}),
          backoff: options.backoff ?? DEFAULT_BACKOFF,
        });

  // LISTEN changes run one at a time, in order, so the listened set never races itself.
  let syncing: Promise<void> = Promise.resolve();
  const sync = () => {
    syncing = syncing
      .then(() => listener.sync())
      .catch((error: unknown) => log.warn('event bus: LISTEN failed', describeError(error)));
    return syncing;
  };

  return {
    addEventListener(channel: string, listenerOrObject: EventListenerOrEventListenerObject | null) {
      if (!listenerOrObject) return;
      let callbacks = callbacksByChannel.get(channel);
      if (!callbacks) {
        callbacks = new Set();
        callbacksByChannel.set(channel, callbacks);
        void sync();
      }
      callbacks.add(listenerOrObject);
    },
    removeEventListener(
      channel: string,
      listenerOrObject: EventListenerOrEventListenerObject | null,
    ) {
      const callbacks = callbacksByChannel.get(channel);
      if (!listenerOrObject || !callbacks) return;
      callbacks.delete(listenerOrObject);
      if (callbacks.size > 0) return;
      callbacksByChannel.delete(channel);
      void sync();
    },
    dispatchEvent(event: TopicEvent) {
      const payload = event.detail === undefined ? '' : JSON.stringify(event.detail);
      // pg_notify takes the channel as a value (no identifier quoting) and, inside a
      // transaction, is delivered at commit like any NOTIFY.
      pool
        .query('select pg_notify($1, $2)', [event.type, payload])
        .catch((error: unknown) => log.warn('event bus: NOTIFY failed', describeError(error)));
      return true;
    },
    ready: () => syncing,
    listenerPid: () => listener.pid(),
    async close() {
      callbacksByChannel.clear();
      // Let queued LISTEN/UNLISTENs finish first, so none runs on a closed listener.
      await syncing;
      await listener.close();
    },
  };
}

/** PGlite runs in this process: no connection to lose, so nothing to reconnect. */
function pgliteListener(pglite: PGlite, context: ListenerContext): ChannelListener {
  const unlistenByChannel = new Map<string, () => Promise<void>>();
  const sync = async (wanted: Set<string>) => {
    for (const channel of wanted) {
      if (unlistenByChannel.has(channel)) continue;
      const unlisten = await pglite.listen(quoteChannel(channel), (payload) =>
        context.deliver(channel, payload),
      );
      unlistenByChannel.set(channel, unlisten);
    }
    for (const [channel, unlisten] of unlistenByChannel) {
      if (wanted.has(channel)) continue;
      unlistenByChannel.delete(channel);
      await unlisten();
    }
  };
  return {
    sync: () => sync(new Set(context.wanted())),
    pid: () => undefined,
    async close() {
      // A PGlite closed before the bus has already dropped its listeners.
      if (pglite.closed) unlistenByChannel.clear();
      else await sync(new Set());
    },
  };
}

type ReconnectOptions = {
  onReconnect: () => void;
  backoff: { initialMs: number; maxMs: number };
};

/**
 * A dedicated client, not one from the pool: a LISTEN belongs to its session, and a pooled
 * connection would be handed to other queries. When it errors or ends, a new one is made with
 * backoff, re-LISTENs, and `onReconnect` tells readers what they may have missed.
 */
async function clientListener(
  connectionString: string,
  context: ListenerContext,
  { onReconnect, backoff }: ReconnectOptions,
): Promise<ChannelListener> {
  const { log } = context;
  let client: pg.Client | undefined;
  let listened = new Set<string>();
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let delayMs = backoff.initialMs;
  // Connects and LISTEN changes share one queue so they never interleave on a client.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => {
    const run = queue.then(task);
    queue = run.catch(() => {});
    return run;
  };

  const lost = (candidate: pg.Client, error?: Error) => {
    if (candidate !== client || closed) return;
    client = undefined;
    log.warn('event bus: listener connection lost, reconnecting', describeError(error));
    candidate.end().catch(() => {});
    scheduleReconnect();
  };

  const connect = async () => {
    let gone = false;
    // keepAlive: a LISTEN connection is idle for long stretches; let TCP notice a dead peer.
    const candidate = new pg.Client({
      connectionString,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    candidate.on('notification', (message) => {
      if (candidate === client) context.deliver(message.channel, message.payload ?? '');
    });
    candidate.on('error', (error) => lost(candidate, error));
    candidate.on('end', () => {
      gone = true;
      lost(candidate);
    });
    try {
      await candidate.connect();
      const channels = new Set(context.wanted());
      for (const channel of channels) await candidate.query(`LISTEN ${quoteChannel(channel)}`);
      if (gone) throw new Error('listener connection ended while connecting');
      if (closed) {
        await candidate.end();
        return;
      }
      client = candidate;
      listened = channels;
    } catch (error) {
      candidate.end().catch(() => {});
      throw error;
    }
  };

  const reconnect = async () => {
    if (closed) return;
    try {
      await connect();
    } catch (error) {
      log.warn('event bus: listener reconnect failed', {
        ...describeError(error),
        retryInMs: delayMs,
      });
      scheduleReconnect();
      return;
    }
    if (closed) return;
    delayMs = backoff.initialMs;
    log.info('event bus: listener reconnected');
    onReconnect();
  };

  function scheduleReconnect() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void enqueue(reconnect);
    }, delayMs);
    delayMs = Math.min(delayMs * 2, backoff.maxMs);
  }

  const sync = async () => {
    const current = client;
    if (!current) return; // the reconnect LISTENs to whatever is wanted by then
    const wanted = new Set(context.wanted());
    for (const channel of wanted) {
      if (listened.has(channel)) continue;
      await current.query(`LISTEN ${quoteChannel(channel)}`);
      listened.add(channel);
    }
    for (const channel of listened) {
      if (wanted.has(channel)) continue;
      await current.query(`UNLISTEN ${quoteChannel(channel)}`);
      listened.delete(channel);
    }
  };

  await enqueue(connect);
  return {
    sync: () => enqueue(sync),
    // pg sets processID from BackendKeyData; @types/pg does not declare it.
    pid: () => (client as (pg.Client & { processID?: number }) | undefined)?.processID,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      // A connect in flight sees `closed` and ends its own client.
      await queue;
      const current = client;
      client = undefined;
      // Ending the session drops its LISTENs; no UNLISTEN needed.
      await current?.end().catch(() => {});
    },
  };
}

/** A quoted identifier keeps the channel's exact spelling, as pg_notify does. */
function quoteChannel(channel: string): string {
  return `"${channel.replaceAll('"', '""')}"`;
}

/** Message and code only: a pg error never needs the connection string to be understood. */
export function describeError(error: unknown): { error?: string; code?: string } {
  if (!(error instanceof Error)) return error === undefined ? {} : { error: String(error) };
  const code = (error as Error & { code?: unknown }).code;
  return { error: error.message, ...(typeof code === 'string' ? { code } : {}) };
}
