import type { Server } from 'node:http';
import type { ExecutionArgs, ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import { authenticate } from './auth.js';
import type { Context } from './context.js';
import type { Principal } from './db/api-keys.js';
import type { DatabaseHandle } from './db/connect.js';

/** Close code for shutdown: "going away", which graphql-ws clients retry elsewhere. */
const GOING_AWAY = 1001;
/** graphql-ws's close code for a connection that may not go on (here: its key was revoked). */
const FORBIDDEN = 4403;

export type WebSocketOptions = {
  /** Ping every socket this often; one that has not answered the previous ping is dropped. */
  pingMs: number;
  /**
   * Takes over subscriptions it recognizes (returns undefined for the rest), so their results
   * skip yoga's per-result plumbing: for a fan-out to many sockets that is most of the cost.
   */
  subscribe?: (
    args: ExecutionArgs,
  ) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> | undefined;
};

/**
 * graphql-ws on the yoga endpoint: the key is checked once per connection (4403 when bad),
 * scopes per operation by the schema, keep-alive pings, and "going away" on shutdown so
 * clients reconnect and resume from their cursor.
 */
export function attachWebSocketServer(
  http: Server,
  // biome-ignore lint/suspicious/noExplicitAny: yoga's server context type is the caller's.
  yoga: YogaServerInstance<any, Context>,
  database: DatabaseHandle,
  options: WebSocketOptions,
) {
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  /** Who each connection authenticated as (once, on connect). */
  const principals = new WeakMap<WebSocket, Principal>();
  const graphqlWs = useServer<Record<string, unknown> | undefined, { principal?: Principal }>(
    {
      onConnect: async (ctx) => {
        try {
          ctx.extra.principal = await authenticate(
            database.db,
            ctx.connectionParams?.authorization,
          );
          principals.set(ctx.extra.socket, ctx.extra.principal);
          return true;
        } catch {
          return false;
        }
      },
      execute: (args) =>
        (args.rootValue as { execute: typeof import('graphql').execute }).execute(args),
      subscribe: (args) =>
        options.subscribe?.(args) ??
        (args.rootValue as { subscribe: typeof import('graphql').subscribe }).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          principal: ctx.extra.principal,
        });
        const args: ExecutionArgs = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wss,
  );

  // Keep-alive: idle proxies drop silent connections, and a vanished client is noticed.
  const alive = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (socket) => {
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
  });
  const pinger = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.get(socket)) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, options.pingMs);
  pinger.unref();

  return {
    /** The keys open connections authenticated with. */
    keyIds(): string[] {
      const ids = new Set<string>();
      for (const socket of wss.clients) {
        const keyId = principals.get(socket)?.keyId;
        if (keyId) ids.add(keyId);
      }
      return [...ids];
    },
    /** Closes (4403) every connection that authenticated with one of these revoked keys. */
    closeForKeys(keyIds: ReadonlySet<string>): void {
      for (const socket of wss.clients) {
        const keyId = principals.get(socket)?.keyId;
        if (keyId && keyIds.has(keyId))
          socket.close(FORBIDDEN, 'Forbidden: the API key was revoked');
      }
    },
    /** Every open socket is told to go away (1001); their subscriptions end server-side. */
    async close(): Promise<void> {
      clearInterval(pinger);
      for (const socket of wss.clients) {
        socket.close(GOING_AWAY, 'Server shutting down: reconnect and resume from your cursor');
      }
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
