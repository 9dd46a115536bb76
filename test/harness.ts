import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, print } from 'graphql';
import { sql } from 'kysely';
import { type Config, configFor, type DatabaseConfig } from '../src/config.js';
import { createApiKey, type Scope } from '../src/db/api-keys.js';
import { type DatabaseHandle, openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { GraphRows } from '../src/db/seed.js';
import { insertGraph } from '../src/db/seed.js';
import { createWorkspace } from '../src/db/workspaces.js';
import { generateGraph } from '../src/demo/demo.js';
import type { GraphSize } from '../src/demo/generate.js';
import { encodeGlobalId } from '../src/global-id.js';
import { createLogger } from '../src/logger.js';
import { type AppServer, createServer } from '../src/server.js';

export type GraphQLResponse<T> = {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
};

export type TestWorkspace = {
  /** Local (database) id. */
  id: string;
  globalId: string;
  /** Keys by scope set: `admin` can do everything, `read` only reads. */
  keys: { admin: string; read: string; write: string };
};

export type TestServer = {
  kind: DatabaseConfig['kind'];
  config: Config;
  database: DatabaseHandle;
  server: AppServer;
  /** http://127.0.0.1:<port>/graphql, for clients over a real socket. */
  url: string;
  wsUrl: string;
  a: TestWorkspace;
  b: TestWorkspace;
  /** Runs an operation through yoga's fetch as a client would; `key` defaults to A's admin key. */
  gql<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables> | DocumentNode | string,
    variables?: TVariables,
    options?: { key?: string | null },
  ): Promise<GraphQLResponse<TResult>>;
  /** Raw request to the server (any path), through yoga's fetch. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** How many SQL statements `fn` ran. */
  countStatements(fn: () => Promise<unknown>): Promise<number>;
  /** Writes a generated graph into a workspace (a state the read API cannot make). */
  seed(workspaceId: string, size: GraphSize | GraphRows, seed?: number): Promise<void>;
  close(): Promise<void>;
};

// TEST_LOG=debug shows the server's log (unexpected errors with their stacks) while debugging.
const quietLog = createLogger(process.env.TEST_LOG === 'debug' ? 'debug' : 'silent');

/**
 * A real server on a real database: PGlite in memory by default, a fresh schema on
 * PostgreSQL when DATABASE_URL is set. Two workspaces, A and B, with keys of each scope.
 */
export async function startTestServer(
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<TestServer> {
  const url = process.env.DATABASE_URL;
  const schemaName = `test_${randomBytes(6).toString('hex')}`;
  const databaseConfig: DatabaseConfig = url
    ? { kind: 'postgres', url, schema: schemaName, poolSize: 5 }
    : { kind: 'pglite', dataDir: 'memory://' };
  let statements = 0;
  const database = await openDatabase(databaseConfig, {
    onQuery: (event) => {
      if (event.level === 'query') statements += 1;
    },
  });
  if (databaseConfig.kind === 'postgres') {
    await sql`create schema ${sql.id(schemaName)}`.execute(database.db);
  }
  await migrateToLatest(database.db, databaseConfig.kind === 'postgres' ? schemaName : 'public');

  // EVENT_BUS / REDIS_URL from the environment run the whole suite on another event bus.
  const config: Config = configFor(databaseConfig, {
    EVENT_BUS: process.env.EVENT_BUS,
    REDIS_URL: process.env.REDIS_URL,
    ...options.env,
  });
  const server = await createServer(config, database, quietLog);
  const { url: httpUrl } = await server.listen(0, '127.0.0.1');

  const makeWorkspace = async (name: string): Promise<TestWorkspace> => {
    const ws = await createWorkspace(database.db, name);
    const key = async (scopes: Scope[]) => (await createApiKey(database.db, ws.id, scopes)).key;
    return {
      id: ws.id,
      globalId: encodeGlobalId('Workspace', ws.id),
      keys: {
        admin: await key(['read', 'write', 'admin']),
        read: await key(['read']),
        write: await key(['write']),
      },
    };
  };
  const a = await makeWorkspace('Workspace A');
  const b = await makeWorkspace('Workspace B');

  const fetchPath = (path: string, init?: RequestInit) =>
    Promise.resolve(server.yoga.fetch(new Request(`http://localhost${path}`, init)));

  return {
    kind: databaseConfig.kind,
    config,
    database,
    server,
    url: httpUrl,
    wsUrl: httpUrl.replace(/^http/, 'ws'),
    a,
    b,
    async gql(document, variables, options = {}) {
      const key = options.key === undefined ? a.keys.admin : options.key;
      const query = typeof document === 'string' ? document : print(document as DocumentNode);
      const response = await fetchPath('/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<never>;
    },
    fetch: fetchPath,
    async countStatements(fn) {
      const before = statements;
      await fn();
      return statements - before;
    },
    async seed(workspaceId, size, seed = 7) {
      const rows =
        'contacts' in size && Array.isArray(size.contacts)
          ? (size as GraphRows)
          : generateGraph(seed, size as GraphSize);
      await database.db.transaction().execute((tx) => insertGraph(tx, workspaceId, rows));
    },
    async close() {
      await server.close();
      if (databaseConfig.kind === 'postgres') {
        await sql`drop schema ${sql.id(schemaName)} cascade`.execute(database.db);
      }
      await database.close();
    },
  };
}

/** Data of a successful response; fails the test with the errors otherwise. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}
