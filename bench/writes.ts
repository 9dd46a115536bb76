import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import type pg from 'pg';
import { createApiKey } from '../src/db/api-keys.js';
import type { DatabaseHandle } from '../src/db/connect.js';
import { measure } from './compare.js';
import type { BenchOptions } from './options.js';
import { startServerProcess } from './server-process.js';
import type { Measurement, Summary } from './stats.js';

/**
 * Writes into the read dataset's workspace (which already holds its contacts), each row with a
 * fresh external ID and email of this run (`bw-<run>-…`); the run's rows are deleted at the end,
 * so the read dataset keeps its exact contact count and repeated runs start from the same state.
 */
export type WriteName = 'create' | 'upsert';
export const WRITE_NAMES: readonly WriteName[] = ['create', 'upsert'];

export const BATCH_SIZE = 1000;

export type WriteRow = {
  name: WriteName;
  title: string;
  /** Contacts each request (and each raw statement) writes. */
  itemsPerRequest: number;
  graphql: Summary;
  raw: Summary;
  /** GraphQL throughput as a share of the raw statement's; undefined: no target. */
  target?: number;
};

export const WRITE_TARGETS: Partial<Record<WriteName, number>> = { upsert: 0.5 };

type Contact = {
  externalId: string;
  name: string;
  email: string;
  customAttributes: Record<string, unknown>;
};

/** Distinct contacts for one side of one run: `next()` never repeats. */
function contactSource(run: string, side: 'gql' | 'sql') {
  let n = 0;
  return (): Contact => {
    const i = n++;
    return {
      externalId: `bw-${run}-${side}-${i}`,
      name: `Bench Writer ${i}`,
      email: `bw.${run}.${side}.${i}@bench-writes.example.com`,
      customAttributes: { plan: i % 3 === 0 ? 'pro' : 'free', seats: i % 50 },
    };
  };
}

const CREATE_QUERY = `mutation BenchCreate($input: CreateContactInput!) {
  createContact(input: $input) {
    __typename
    ... on CreateContactSuccess { contact { id } }
  }
}`;

const UPSERT_QUERY = `mutation BenchUpsert($input: UpsertContactsInput!) {
  upsertContacts(input: $input) {
    __typename
    ... on UpsertContactsSuccess { results { index created contact { id } error { code } } }
  }
}`;

const COLUMNS = ['workspace_id', 'external_id', 'name', 'email', 'custom_attributes'];

/** `($1, $2, …), (…)` for `rows` rows of the columns above. */
function valuesList(rows: number): string {
  return Array.from(
    { length: rows },
    (_, r) =>
      `(${COLUMNS.map((c, i) => `$${r * COLUMNS.length + i + 1}${c === 'custom_attributes' ? '::jsonb' : ''}`).join(', ')})`,
  ).join(', ');
}

const rowParams = (workspaceId: string, c: Contact) => [
  workspaceId,
  c.externalId,
  c.name,
  c.email,
  JSON.stringify(c.customAttributes),
];

const CREATE_SQL = `insert into contacts (${COLUMNS.join(', ')}) values ${valuesList(1)} returning id`;

// What upsertContacts does for one shape, as one hand-written statement.
const UPSERT_SQL = `insert into contacts (${COLUMNS.join(', ')}) values ${valuesList(BATCH_SIZE)}
on conflict (workspace_id, external_id) where deleted_at is null do update set
  name = excluded.name, email = excluded.email,
  custom_attributes = contacts.custom_attributes || excluded.custom_attributes, updated_at = now()
returning id, (xmax = 0) as created`;

/** autocannon POSTing `body()` per request; `failed(body)` spots a wrong answer. */
async function loadHttp(
  url: string,
  apiKey: string,
  body: () => string,
  failed: (body: string) => boolean,
  seconds: number,
  connections: number,
): Promise<Measurement> {
  const latenciesMs: number[] = [];
  let failures = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/graphql-response+json, application/json',
              authorization: `Bearer ${apiKey}`,
            },
            setupRequest: (request) => ({ ...request, body: body() }),
            onResponse: (status, text) => {
              if (status !== 200 || failed(text)) failures += 1;
            },
          },
        ],
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latenciesMs.push(responseTime);
    });
  });
  failures += result.errors + result.non2xx;
  return { latenciesMs, seconds: result.duration, failures };
}

/** `connections` loops running the statement through one pg Pool until `seconds` have passed. */
async function loadSql(
  pool: pg.Pool,
  statement: string,
  params: () => unknown[],
  seconds: number,
  connections: number,
): Promise<Measurement> {
  const latenciesMs: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const values = params();
      const begin = process.hrtime.bigint();
      try {
        await pool.query(statement, values);
        latenciesMs.push(Number(process.hrtime.bigint() - begin) / 1e6);
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  return { latenciesMs, seconds: (performance.now() - started) / 1000, failures };
}

/** The selected writes, GraphQL then raw SQL back to back; the run's rows are removed after. */
export async function runWrites(
  options: BenchOptions,
  workspaceId: string,
  database: DatabaseHandle,
  names: readonly WriteName[],
  log: (line: string) => void,
): Promise<WriteRow[]> {
  if (names.length === 0) return [];
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const key = await createApiKey(database.db, workspaceId, ['write'], 'bench-writes');
  const server = await startServerProcess({
    DATABASE_URL: options.databaseUrl,
    DATABASE_SCHEMA: options.schema,
    DATABASE_POOL_SIZE: String(Math.min(200, options.connections)),
  });
  const { connections } = options;
  const rows: WriteRow[] = [];
  try {
    for (const name of names) {
      const gqlContact = contactSource(`${run}${name[0]}`, 'gql');
      const sqlContact = contactSource(`${run}${name[0]}`, 'sql');
      if (name === 'create') {
        log('createContact: GraphQL…');
        const graphql = await measure(options, (s) =>
          loadHttp(
            server.url,
            key.key,
            () => JSON.stringify({ query: CREATE_QUERY, variables: { input: gqlContact() } }),
            (text) => !text.includes('"CreateContactSuccess"'),
            s,
            connections,
          ),
        );
        log('createContact: raw SQL…');
        const raw = await measure(options, (s) =>
          loadSql(
            database.pool,
            CREATE_SQL,
            () => rowParams(workspaceId, sqlContact()),
            s,
            connections,
          ),
        );
        rows.push({ name, title: 'createContact', itemsPerRequest: 1, graphql, raw });
      } else {
        const batch = (next: () => Contact) => Array.from({ length: BATCH_SIZE }, next);
        log(`upsertContacts ×${BATCH_SIZE}: GraphQL…`);
        const graphql = await measure(options, (s) =>
          loadHttp(
            server.url,
            key.key,
            () =>
              JSON.stringify({
                query: UPSERT_QUERY,
                variables: { input: { contacts: batch(gqlContact) } },
              }),
            (text) => !text.includes('"UpsertContactsSuccess"') || text.includes('"code"'),
            s,
            connections,
          ),
        );
        log(`upsertContacts ×${BATCH_SIZE}: raw SQL…`);
        const raw = await measure(options, (s) =>
          loadSql(
            database.pool,
            UPSERT_SQL,
            () => batch(sqlContact).flatMap((c) => rowParams(workspaceId, c)),
            s,
            connections,
          ),
        );
        rows.push({
          name,
          title: `upsertContacts ×${BATCH_SIZE}`,
          itemsPerRequest: BATCH_SIZE,
          graphql,
          raw,
          target: WRITE_TARGETS.upsert,
        });
      }
    }
  } finally {
    await server.stop();
    log('Removing the rows written by this run…');
    await sql`with gone as (
        delete from contacts where workspace_id = ${workspaceId} and external_id like ${`bw-${run}%`}
        returning id)
      delete from contact_events where workspace_id = ${workspaceId}
        and contact_id in (select id from gone)`.execute(database.db);
    await sql`delete from api_keys where id = ${key.id}`.execute(database.db);
    await sql`vacuum (analyze) contacts`.execute(database.db);
  }
  return rows;
}

const num = (n: number, width: number, digits = 0) => n.toFixed(digits).padStart(width);

export const writeRatio = (row: WriteRow) => row.graphql.perSecond / row.raw.perSecond;

/** Throughput in contacts per second: requests per second × contacts per request. */
export function renderWriteTable(rows: readonly WriteRow[]): string {
  const header =
    'write                 | GraphQL contacts/s  req/s  p50 ms  p99 ms | raw SQL contacts/s ' +
    ' stmt/s  p50 ms  p99 ms | GraphQL/raw | target';
  const lines = rows.map((r) => {
    const target =
      r.target === undefined
        ? 'none (reference)'
        : `≥ ${r.target.toFixed(2)} ${writeRatio(r) >= r.target ? 'met' : 'MISSED'}`;
    return (
      `${r.title.padEnd(21)} | ${num(r.graphql.perSecond * r.itemsPerRequest, 18)} ` +
      `${num(r.graphql.perSecond, 6)} ${num(r.graphql.p50, 7, 2)} ${num(r.graphql.p99, 7, 2)} | ` +
      `${num(r.raw.perSecond * r.itemsPerRequest, 18)} ${num(r.raw.perSecond, 7)} ` +
      `${num(r.raw.p50, 7, 2)} ${num(r.raw.p99, 7, 2)} | ${num(writeRatio(r), 11, 2)} | ${target}`
    );
  });
  const notes = rows
    .filter((r) => r.graphql.failures || r.raw.failures)
    .map((r) => `! ${r.title}: ${r.graphql.failures} GraphQL and ${r.raw.failures} SQL failures`);
  return ['', header, '-'.repeat(header.length), ...lines, ...notes].join('\n');
}
