import { type Config, configFor } from '../src/config.js';
import { openDatabase } from '../src/db/connect.js';
import { createLogger } from '../src/logger.js';
import { createServer } from '../src/server.js';
import type { Operation, OperationName } from './operations.js';
import type { BenchOptions } from './options.js';

const SAMPLES = 20;

type GraphQLResult = { data?: Record<string, unknown> | null; errors?: unknown[] };

/**
 * SQL statements one request of each operation runs (the key lookup included), counted through
 * Kysely's query log on an in-process server: the mean over a few requests after a first one.
 * Every response is checked, so the load test measures real answers.
 */
export async function countStatements(
  options: BenchOptions,
  apiKey: string,
  ops: readonly Operation[],
): Promise<Map<OperationName, number>> {
  let statements = 0;
  const database = await openDatabase(
    { kind: 'postgres', url: options.databaseUrl, schema: options.schema, poolSize: 10 },
    {
      onQuery: (event) => {
        if (event.level === 'query') statements += 1;
      },
    },
  );
  const config: Config = configFor(
    { kind: 'postgres', url: options.databaseUrl, schema: options.schema, poolSize: 10 },
    { NODE_ENV: 'production' },
  );
  const server = await createServer(config, database, createLogger('silent'));
  const run = async (op: Operation) => {
    const response = await server.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: op.query, variables: op.variables() }),
    });
    checkAnswer(op, (await response.json()) as GraphQLResult);
  };
  const counts = new Map<OperationName, number>();
  try {
    for (const op of ops) {
      await run(op);
      // Averaged over rotating variables: a contact without organization needs one fewer.
      const before = statements;
      for (let i = 0; i < SAMPLES; i++) await run(op);
      counts.set(op.name, (statements - before) / SAMPLES);
    }
  } finally {
    await server.close();
    await database.close();
  }
  return counts;
}

function checkAnswer(op: Operation, result: GraphQLResult) {
  const data = result.data as
    | {
        contact?: unknown;
        contacts?: { edges: unknown[] };
        segment?: { count: number; contacts: { edges: unknown[] } } | null;
      }
    | null
    | undefined;
  const empty =
    op.name === 'card'
      ? !data?.contact
      : op.name === 'segment'
        ? !data?.segment?.count || !data.segment.contacts.edges.length
        : !data?.contacts?.edges.length;
  if (result.errors?.length || empty) {
    throw new Error(`${op.title}: unexpected answer ${JSON.stringify(result).slice(0, 500)}`);
  }
}
