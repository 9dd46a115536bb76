import { parseArgs } from 'node:util';

export type BenchOptions = {
  databaseUrl: string;
  /** Schema holding the bench dataset, apart from tests and other data. */
  schema: string;
  contacts: number;
  seed: number;
  /** Seconds measured per operation and path (after the warm-up). */
  duration: number;
  warmup: number;
  connections: number;
  /** Only these operations (all when empty). */
  only: string[];
  /** Seed again even when the schema already holds the requested dataset. */
  reseed: boolean;
  json: boolean;
  /** Events bench: graphql-ws subscribers, event rates (events/s) to step through. */
  subscribers: number;
  eventRates: number[];
  /** Events bench: worker threads for the subscribers (0: the main thread). */
  clientThreads: number;
  /** Events bench: write the server's CPU profiles (`node --cpu-prof`) into this directory. */
  cpuProfDir?: string;
  /** Events bench: leave its schema in place afterwards (for a look at the rows). */
  keepSchema: boolean;
  /** Events bench: events per driving request (1: updateContact; more: upsertContacts batches). */
  eventsPerRequest: number;
  /** Events bench: skip the write-side part. */
  skipEventWrites: boolean;
};

export const USAGE = `Usage: npm run bench -- [--contacts N] [--duration S] [--warmup S] [--connections N]
                       [--schema NAME] [--seed N] [--only card,list,search,create,upsert,events,attributes]
                       [--reseed] [--json]
                       [--subscribers N] [--event-rates 20,40,80] [--client-threads N]
                       [--cpu-prof-dir DIR] [--keep-schema] [--events-per-request N]
                       [--no-event-writes]

Needs DATABASE_URL (PostgreSQL). Seeds one workspace of --contacts contacts (default 100000)
into --schema (default "bench") unless it already holds exactly that dataset, then load-tests
three reads over HTTP against the server in a child process, and the same reads as single
hand-written SQL statements through a pg Pool, with the same concurrency. After changing the
migrations (indexes), pass --reseed: reuse only checks the dataset's size and seed.

Then two writes into that workspace: createContact (one contact per request, a fresh email
each) vs. a single-row INSERT, and upsertContacts in batches of 1000 (contacts/s) vs. the same
rows as one multi-row INSERT … ON CONFLICT (target ≥ 0.5×). Each run writes fresh external IDs
and deletes its rows afterwards, so the dataset's contact count and later runs are unaffected.

events (only when named in --only; it needs no read dataset): in a fresh schema "<schema>_events"
(dropped afterwards), --subscribers graphql-ws clients (default 1000, split over --client-threads
worker threads, default 2) receive updateContact events driven at each of --event-rates
(events/s), once with EVENT_FANOUT=grouped and once per-subscriber: deliveries/s and
publish→receive p50/p99. --events-per-request N > 1 drives with upsertContacts of N existing
contacts per request (N events per transaction) instead of one updateContact each. Then the write side: events/s from upsertContacts ×500 and updateContact,
and raw SQL updates with and without the event triggers.

attributes (only when named in --only): --contacts contacts in a schema "<schema>_attributes"
(kept and reused like the read dataset); defines plan (LIST), lifetime_value (NUMBER),
signup_date (DATE), vip (BOOLEAN) and interests (MULTI_SELECT) through createAttributeDefinition
(which builds the per-definition indexes) and one 3-condition segment per plan through
createSegment, then measures a segment's count + first 20 members, and a contacts page filtered
and sorted by lifetime_value, each against the same read as one SQL statement.`;

function whole(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
  return n;
}

/** The options, or undefined when the usage was asked for. */
export function readOptions(argv: string[], env = process.env): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      contacts: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      schema: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      reseed: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      subscribers: { type: 'string' },
      'event-rates': { type: 'string' },
      'client-threads': { type: 'string' },
      'cpu-prof-dir': { type: 'string' },
      'keep-schema': { type: 'boolean', default: false },
      'events-per-request': { type: 'string' },
      'no-event-writes': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL must point at a PostgreSQL database');
  const schema = values.schema ?? env.BENCH_SCHEMA ?? 'bench';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('--schema must be a lower-case name');
  return {
    databaseUrl,
    schema,
    contacts: Math.round(whole('contacts', values.contacts, 100_000)),
    seed: Math.round(whole('seed', values.seed, 1, 0)),
    duration: whole('duration', values.duration, 10),
    warmup: whole('warmup', values.warmup, 2, 0),
    connections: Math.round(whole('connections', values.connections, 10)),
    only: values.only ? values.only.split(',').map((s) => s.trim()) : [],
    reseed: values.reseed,
    json: values.json,
    subscribers: Math.round(whole('subscribers', values.subscribers, 1000)),
    eventRates: (values['event-rates'] ?? '20,40,80,160')
      .split(',')
      .map((r) => whole('event-rates', r.trim(), 0)),
    clientThreads: Math.round(whole('client-threads', values['client-threads'], 2, 0)),
    cpuProfDir: values['cpu-prof-dir'],
    keepSchema: values['keep-schema'],
    eventsPerRequest: Math.round(whole('events-per-request', values['events-per-request'], 1)),
    skipEventWrites: values['no-event-writes'],
  };
}
