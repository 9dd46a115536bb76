import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { type ExecutionResult, GraphQLError } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { sql } from 'kysely';
import type { WebSocket } from 'ws';
import { authenticate } from './auth.js';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { deadApiKeyIds, type Principal } from './db/api-keys.js';
import { AttributeSchemaCache } from './db/attribute-schema.js';
import type { DatabaseHandle } from './db/connect.js';
import { pruneContactEvents } from './db/event-retention.js';
import { createWorkspaceData } from './db/workspace-data.js';
import { UserInputError } from './errors.js';
import { EXAMPLE_OPERATIONS } from './graphiql.js';
import type { Logger } from './logger.js';
import { useNulCharacterGuard } from './nul-guard.js';
import type { EventBus } from './pubsub/bus.js';
import { createEventBus } from './pubsub/create-bus.js';
import {
  contactEventsField,
  subscribeToContactEvents,
  useContactEventExecution,
} from './pubsub/event-execution.js';
import { ContactEventStream } from './pubsub/stream.js';
import { schema } from './schema/index.js';
import { attachWebSocketServer } from './websocket.js';

type ServerContext = {
  req?: IncomingMessage;
  /** Set on WebSocket connections, authenticated once on connect. */
  principal?: Principal;
  connectionParams?: Record<string, unknown>;
  /** The WebSocket of a graphql-ws operation. */
  socket?: WebSocket;
};

export type AppServer = {
  yoga: ReturnType<typeof createYoga<ServerContext, Context>>;
  http: Server;
  /** The process's contact event stream (stats for tests and benchmarks). */
  events: ContactEventStream;
  /** What wakes the stream; tests break its connection to see it recover. */
  bus: EventBus;
  listen(port: number, host: string): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
};

/** How often each process applies the event retention policy. */
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** Turns errors into what a client may see: its own mistakes in full, our bugs masked. */
function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof UserInputError) {
    const gqlError = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(original.message, {
      nodes: gqlError?.nodes,
      path: gqlError?.path,
      extensions: { code: 'BAD_USER_INPUT', argument: original.argument },
    });
  }
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) {
    return original instanceof GraphQLError && !error.path ? original : error;
  }
  const gqlError = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError(message, {
    nodes: gqlError?.nodes,
    path: gqlError?.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

/** `maskError` for a result executed outside yoga's pipeline, logging what it masks. */
function maskResult(result: ExecutionResult, log: Logger): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => {
    const masked = maskError(error, 'Unexpected error.') as GraphQLError;
    if (masked.extensions?.code === 'INTERNAL_SERVER_ERROR') {
      log.error('unexpected error', {
        path: error.path?.join('.'),
        error: error.originalError?.stack ?? String(error),
      });
    }
    return masked;
  });
  return { ...result, errors };
}

/** Logs the errors that will be masked, with the request id the client got in `x-request-id`. */
function useUnexpectedErrorLog(log: Logger): Plugin<Context> {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result }) => {
        if (!('errors' in result) || !result.errors) return;
        for (const error of result.errors) {
          const original = error.originalError;
          if (!original || original instanceof GraphQLError || original instanceof UserInputError)
            continue;
          log.error('unexpected error', {
            requestId: args.contextValue.requestId,
            path: error.path?.join('.'),
            error: original.stack ?? String(original),
          });
        }
      },
    }),
  };
}

/** `/healthz`: the process is up. `/readyz`: the database answers. */
function useHealthChecks(database: DatabaseHandle): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/healthz') {
        endResponse(new fetchAPI.Response('ok\n', { status: 200 }));
      } else if (url.pathname === '/readyz') {
        const ready = await sql`select 1`.execute(database.db).then(
          () => true,
          () => false,
        );
        endResponse(
          new fetchAPI.Response(ready ? 'ready\n' : 'database unavailable\n', {
            status: ready ? 200 : 503,
          }),
        );
      }
    },
  };
}

/** Gives every request one id, shared by the context (for logs) and the `x-request-id` header. */
function useRequestIdHeader(ids: WeakMap<Request, string>): Plugin {
  return {
    onRequest({ request }) {
      ids.set(request, requestIdOf(request));
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id) response.headers.set('x-request-id', id);
    },
  };
}

function requestIdOf(request?: Request): string {
  const given = request?.headers.get('x-request-id');
  return given && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
}

/** yoga (HTTP, SSE, GraphiQL) and graphql-ws on one http server; nothing else wires. */
export async function createServer(
  config: Config,
  database: DatabaseHandle,
  log: Logger,
): Promise<AppServer> {
  const requestIds = new WeakMap<Request, string>();
  const bus = await createEventBus({
    config: config.events.bus,
    database,
    databaseConfig: config.database,
    log,
  });
  const events = new ContactEventStream(database.db, bus, config.events, log);
  const afterCommit = (workspaceId: string) => events.announce(workspaceId);
  const schemaCache = new AttributeSchemaCache();
  async function buildContext(initial: YogaInitialContext & ServerContext): Promise<Context> {
    const principal =
      initial.principal ??
      (await authenticate(database.db, initial.request?.headers.get('authorization')));
    return {
      requestId:
        (initial.request && requestIds.get(initial.request)) ?? requestIdOf(initial.request),
      principal,
      db: createWorkspaceData(database.db, principal.workspaceId, {
        afterCommit,
        log,
        schemaCache,
        schemaVersion: principal.attributeSchemaVersion,
      }),
      loaders: new Map(),
      events,
      connection: initial.socket,
      httpSocket: initial.socket ? undefined : initial.req?.socket,
    };
  }

  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    context: buildContext,
    maskedErrors: { maskError: (error, message) => maskError(error, message) },
    landingPage: false,
    logging: config.logLevel === 'silent' ? false : config.logLevel,
    renderGraphiQL,
    graphiql: (request) => {
      // `npm start` prints a link carrying the demo key, so GraphiQL opens ready to run.
      const key = new URL(request.url).searchParams.get('apiKey');
      // Only a key-shaped value goes into the page: anything else could close its <script>.
      const headers =
        key && /^cg_[A-Za-z0-9_-]{1,200}$/.test(key)
          ? { Authorization: `Bearer ${key}` }
          : undefined;
      return {
        title: 'contactgraph',
        defaultQuery: EXAMPLE_OPERATIONS,
        headers: headers ? JSON.stringify(headers, null, 2) : undefined,
        shouldPersistHeaders: true,
      };
    },
    plugins: [
      useHealthChecks(database),
      useRequestIdHeader(requestIds),
      useUnexpectedErrorLog(log),
      useNulCharacterGuard(),
      useContactEventExecution({ shared: config.events.fanout === 'grouped' }),
    ],
  });

  const http = createHttpServer(yoga);
  const shared = config.events.fanout === 'grouped';
  const websockets = attachWebSocketServer(http, yoga, database, {
    pingMs: config.wsPingMs,
    // Event subscriptions over WebSocket skip yoga's per-result layers; errors are masked
    // (and unexpected ones logged) once per result here instead.
    subscribe: (args) => {
      const field = contactEventsField(args);
      if (!field) return undefined;
      return subscribeToContactEvents(args, field, { shared, mask: (r) => maskResult(r, log) });
    },
  });

  // Keys are checked once per connection; a revoked key must not keep a socket or stream open.
  const recheck = setInterval(async () => {
    const keyIds = [...new Set([...websockets.keyIds(), ...events.keyIds()])];
    if (keyIds.length === 0) return;
    const dead = await deadApiKeyIds(database.db, keyIds).catch(() => new Set<string>());
    if (dead.size === 0) return;
    websockets.closeForKeys(dead);
    events.endForKeys(dead);
  }, config.authRecheckMs);
  recheck.unref();

  // Retention: every process prunes (deletes of the same rows simply find them gone).
  const retention =
    config.events.retentionDays > 0
      ? setInterval(() => {
          const before = new Date(Date.now() - config.events.retentionDays * 86_400_000);
          pruneContactEvents(database.db, before).catch((error: unknown) =>
            log.warn('event retention failed', { error: String(error) }),
          );
        }, RETENTION_INTERVAL_MS)
      : undefined;
  retention?.unref();

  return {
    yoga,
    http,
    events,
    bus,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const address = http.address();
          const actual = typeof address === 'object' && address ? address.port : port;
          resolve({ url: `http://${host}:${actual}/graphql`, port: actual });
        });
      }),
    /**
     * Graceful: stop accepting connections, send WebSocket clients away (1001) so they resume
     * elsewhere, cut SSE streams the same way, let in-flight requests finish (up to the grace
     * period), then close what is left.
     */
    close: once(async () => {
      clearInterval(recheck);
      clearInterval(retention);
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      await websockets.close();
      await events.close();
      http.closeIdleConnections();
      const grace = setTimeout(() => http.closeAllConnections(), config.shutdownGraceMs);
      await closed;
      clearTimeout(grace);
    }),
  };
}

/** `fn` runs on the first call; later calls share its result (closing twice is harmless). */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= fn();
    return result;
  };
}
