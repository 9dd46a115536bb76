import { sql } from 'kysely';
import { type Config, configFor } from '../src/config.js';
import { createApiKey } from '../src/db/api-keys.js';
import type { DatabaseHandle } from '../src/db/connect.js';
import { decodeGlobalId } from '../src/global-id.js';
import { createLogger } from '../src/logger.js';
import { type AppServer, createServer } from '../src/server.js';
import {
  type AttributeFixtures,
  attributeOperations,
  BENCH_DEFINITIONS,
  SEGMENT_PLANS,
  segmentFilter,
  segmentName,
} from './attribute-operations.js';
import { runAll, settingsLine } from './compare.js';
import { ensureDataset, openBenchDatabase } from './dataset.js';
import type { BenchOptions } from './options.js';
import type { Row } from './report.js';
import { countStatements } from './statements.js';

/**
 * Typed attributes and segments over `--contacts` contacts of one workspace, in a schema of its
 * own (`<schema>_attributes`, kept between runs like the read dataset). The demo generator
 * already writes plan, lifetime_value, signup_date, vip and interests; the suite defines them
 * through the GraphQL API (`createAttributeDefinition`, which builds the per-definition
 * indexes) and creates one 3-condition segment per plan (`createSegment`), then load-tests
 * (a) a segment's count + first page and (b) an attribute filter + sort page, each against the
 * hand-written SQL of the same read, back to back.
 */

export type AttributesReport = { rows: Row[]; settings: string };

type GraphQLResult = { data?: Record<string, unknown> | null; errors?: unknown[] };

const attributesSchema = (options: BenchOptions) => `${options.schema}_attributes`;

/** GraphQL through an in-process server, for setting up (not measured). */
function client(server: AppServer, apiKey: string) {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await server.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const result = (await response.json()) as GraphQLResult;
    if (result.errors?.length || !result.data) {
      throw new Error(`setup request failed: ${JSON.stringify(result).slice(0, 800)}`);
    }
    return result.data as T;
  };
}

type Payload = { __typename: string; message?: string };

function expectSuccess(what: string, payload: Payload) {
  if (!payload.__typename.endsWith('Success')) {
    throw new Error(`${what}: ${JSON.stringify(payload)}`);
  }
}

/** Definitions and segments the workspace lacks, created through the API (idempotent). */
async function ensureSchema(
  database: DatabaseHandle,
  options: BenchOptions,
  workspaceId: string,
  log: (line: string) => void,
): Promise<AttributeFixtures> {
  const schema = attributesSchema(options);
  const key = await createApiKey(database.db, workspaceId, ['read', 'write', 'admin'], 'bench');
  const config: Config = configFor(
    { kind: 'postgres', url: options.databaseUrl, schema, poolSize: 4 },
    { NODE_ENV: 'production' },
  );
  // Errors go to stderr: a failed setup request shows the server's reason.
  const server = await createServer(config, database, createLogger('error'));
  const request = client(server, key.key);
  try {
    const { attributeDefinitions } = await request<{ attributeDefinitions: { key: string }[] }>(
      'query { attributeDefinitions(includeArchived: true) { key } }',
    );
    const existing = new Set(attributeDefinitions.map((d) => d.key));
    for (const definition of BENCH_DEFINITIONS.filter((d) => !existing.has(d.key))) {
      log(`Defining ${definition.key} (${definition.type})…`);
      const started = performance.now();
      const data = await request<{ createAttributeDefinition: Payload }>(
        `mutation Define($input: CreateAttributeDefinitionInput!) {
          createAttributeDefinition(input: $input) {
            __typename ... on Error { message }
          }
        }`,
        { input: definition },
      );
      expectSuccess(`createAttributeDefinition ${definition.key}`, data.createAttributeDefinition);
      log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const segments: AttributeFixtures['segments'] = [];
    const { segments: found } = await request<{
      segments: { edges: { node: { id: string; name: string } }[] };
    }>('query { segments(first: 100, search: "bench:") { edges { node { id name } } } }');
    for (const plan of SEGMENT_PLANS) {
      let globalId = found.edges.find((e) => e.node.name === segmentName(plan))?.node.id;
      if (!globalId) {
        const data = await request<{ createSegment: Payload & { segment?: { id: string } } }>(
          `mutation Segment($input: CreateSegmentInput!) {
            createSegment(input: $input) {
              __typename ... on CreateSegmentSuccess { segment { id } } ... on Error { message }
            }
          }`,
          { input: { name: segmentName(plan), filter: segmentFilter(plan) } },
        );
        expectSuccess(`createSegment ${plan}`, data.createSegment);
        globalId = data.createSegment.segment?.id as string;
      }
      segments.push({ plan, id: decodeGlobalId(globalId).id });
    }
    // Statistics on the new expression indexes, and a fresh visibility map.
    await sql`vacuum (analyze) contacts`.execute(database.db);
    return { workspaceId, segments };
  } finally {
    await server.close();
  }
}

export async function runAttributes(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<AttributesReport> {
  const suite: BenchOptions = { ...options, schema: attributesSchema(options) };
  const dataset = await ensureDataset(suite, log);
  const database = await openBenchDatabase(suite);
  try {
    const fixtures = await ensureSchema(database, suite, dataset.workspaceId, log);
    const ops = attributeOperations(fixtures);
    const statements = await countStatements(suite, dataset.apiKey, ops);
    const rows = await runAll(suite, dataset, database, ops, statements, log);
    return { rows, settings: settingsLine('Attributes', suite, dataset) };
  } finally {
    await database.close();
  }
}
