import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type pg from 'pg';
import { createApiKey } from '../src/db/api-keys.js';
import { type DatabaseHandle, openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createWorkspace } from '../src/db/workspaces.js';
import { encodeGlobalId } from '../src/global-id.js';
import { createFleet, type Fleet } from './event-fleet.js';
import type { BenchOptions } from './options.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { percentile } from './stats.js';

/**
 * Contact events, both ends:
 *
 * 1. Fan-out: `subscribers` graphql-ws clients (real `createClient` over loopback, in this
 *    process or split over worker threads) on one workspace with the same document; updateContact
 *    mutations over HTTP at fixed rates put `customAttributes.sentAt = Date.now()` (taken just
 *    before the request is sent) in every change, and each client computes receive − sentAt.
 *    So latency is publish-request → receive: it includes the mutation's own HTTP + commit time
 *    (shown apart as "mut p50/p99"). Once for EVENT_FANOUT=grouped, once for per-subscriber.
 * 2. Write side: events/s written by upsertContacts batches and concurrent updateContact, and
 *    raw SQL updates with and without `set local contactgraph.skip_events = 'on'` (the triggers'
 *    cost).
 *
 * Everything runs in a schema of its own (`<schema>_events`), made fresh and dropped at the end.
 */

export type FanoutMode = 'grouped' | 'per-subscriber';
const MODES: readonly FanoutMode[] = ['grouped', 'per-subscriber'];

/** The issue's reference: plain per-subscriber yoga pubsub, 1,000 subscribers, this machine. */
export const REFERENCE_DELIVERIES = 21_000;
export const TARGET_FACTOR = 2;

const CONTACTS = 1000;
/** The driver spreads its updates over this many contacts (row locks never collide). */
const DRIVEN_CONTACTS = 200;
const MAX_IN_FLIGHT = 32;
const UPSERT_BATCH = 500;
const UPSERT_CONNECTIONS = 2;
const UPDATE_CONNECTIONS = 10;
const SQL_BATCH = 500;

export type FanoutRow = {
  mode: FanoutMode;
  /** Events/s the driver aimed at. */
  rate: number;
  /** Mutations that succeeded per second (each writes one event). */
  eventsPerSecond: number;
  mutationP50: number;
  mutationP99: number;
  mutationFailures: number;
  /** Driver ticks skipped because MAX_IN_FLIGHT requests were outstanding. */
  skipped: number;
  subscribers: number;
  deliveriesPerSecond: number;
  /** Share of (events × open subscribers) delivered within the window. */
  deliveredShare: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** Sockets closed during the window, by close code (4008: cut off as too slow). */
  closes: Record<string, number>;
  cpu: CpuShare;
};

export type CpuShare = { server: number; bench: number; machine: number };

export type WriteSideRow = {
  title: string;
  requestsPerSecond: number;
  eventsPerSecond: number;
  rowsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
};

export type EventsReport = {
  subscribers: number;
  clientThreads: number;
  eventsPerRequest: number;
  fanout: FanoutRow[];
  writes: WriteSideRow[];
  notes: string[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- CPU accounting --------------------------------------------------------------------------

const TICKS_PER_SECOND = 100;

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return Number.NaN;
  }
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const n = line.trim().split(/\s+/).slice(1).map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU used between `start()` and `stop()`, in % of one core (machine: % of all cores). */
function cpuMeter(serverPid: number) {
  const started = performance.now();
  const server0 = processTicks(serverPid);
  const bench0 = process.cpuUsage();
  const machine0 = machineTicks();
  return (): CpuShare => {
    const seconds = (performance.now() - started) / 1000;
    const bench = process.cpuUsage(bench0);
    const machine = machineTicks();
    return {
      server: ((processTicks(serverPid) - server0) / TICKS_PER_SECOND / seconds) * 100,
      bench: ((bench.user + bench.system) / 1e6 / seconds) * 100,
      machine: ((machine.busy - machine0.busy) / (machine.total - machine0.total)) * 100,
    };
  };
}

// --- HTTP ------------------------------------------------------------------------------------

const UPDATE_QUERY = `mutation BenchEventUpdate($input: UpdateContactInput!) {
  updateContact(input: $input) { __typename }
}`;

const UPSERT_QUERY = `mutation BenchEventUpsert($input: UpsertContactsInput!) {
  upsertContacts(input: $input) {
    __typename
    ... on UpsertContactsSuccess { results { index error { code } } }
  }
}`;

async function post(url: string, apiKey: string, query: string, variables: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${apiKey}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { ok: response.status === 200, text };
}

const updateOk = (text: string) => text.includes('"UpdateContactSuccess"');

/**
 * updateContact at `rate` per second (open loop, ticks every 5 ms), each change stamped with
 * `sentAt`; at most MAX_IN_FLIGHT outstanding. Counting starts over at `reset()`.
 */
function startDriver(
  url: string,
  apiKey: string,
  contactIds: string[],
  rate: number,
  perRequest: number,
) {
  let inFlight = 0;
  let next = 0;
  let sent = 0;
  let stats = { ok: 0, failures: 0, skipped: 0, latencies: [] as number[] };
  const started = performance.now();
  const one = async () => {
    inFlight += 1;
    const begin = performance.now();
    const sentAt = Date.now();
    try {
      let good: boolean;
      if (perRequest === 1) {
        const id = contactIds[next++ % contactIds.length] as string;
        const { ok, text } = await post(url, apiKey, UPDATE_QUERY, {
          input: { id, customAttributes: { sentAt } },
        });
        good = ok && updateOk(text);
      } else {
        // Existing contacts by external ID (`be-<n>`, n from 1): N updates, one transaction.
        const contacts = Array.from({ length: perRequest }, () => ({
          externalId: `be-${(next++ % contactIds.length) + 1}`,
          customAttributes: { sentAt },
        }));
        const { ok, text } = await post(url, apiKey, UPSERT_QUERY, { input: { contacts } });
        good = ok && text.includes('"UpsertContactsSuccess"') && !text.includes('"code"');
      }
      if (good) {
        stats.ok += 1;
        stats.latencies.push(performance.now() - begin);
      } else stats.failures += 1;
    } catch {
      stats.failures += 1;
    } finally {
      inFlight -= 1;
    }
  };
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * (rate / perRequest));
    while (sent < due) {
      sent += 1;
      if (inFlight >= MAX_IN_FLIGHT) {
        stats.skipped += 1;
        continue;
      }
      void one();
    }
  }, 5);
  return {
    reset: () => {
      const before = stats;
      stats = { ok: 0, failures: 0, skipped: 0, latencies: [] };
      return before;
    },
    stop: async () => {
      clearInterval(timer);
      while (inFlight > 0) await sleep(5);
      return stats;
    },
  };
}

/** `connections` closed loops of `request` for `seconds`; latencies of the successful ones. */
async function closedLoop(
  seconds: number,
  connections: number,
  request: () => Promise<boolean>,
): Promise<{ latencies: number[]; failures: number; seconds: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const begin = performance.now();
      try {
        if (await request()) latencies.push(performance.now() - begin);
        else failures += 1;
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  return { latencies, failures, seconds: (performance.now() - started) / 1000 };
}

// --- Setup -----------------------------------------------------------------------------------

type EventsSetup = {
  database: DatabaseHandle;
  schema: string;
  workspaceId: string;
  readKey: string;
  writeKey: string;
  /** Local row ids of the workspace's contacts. */
  contactIds: string[];
};

async function setUp(options: BenchOptions, log: (line: string) => void): Promise<EventsSetup> {
  const schema = `${options.schema}_events`;
  const database = await openDatabase(
    { kind: 'postgres', url: options.databaseUrl, schema, poolSize: UPDATE_CONNECTIONS + 2 },
    {},
  );
  log(`Events: fresh schema "${schema}" with ${CONTACTS} contacts…`);
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
  await sql`create schema ${sql.id(schema)}`.execute(database.db);
  await migrateToLatest(database.db, schema);
  const workspace = await createWorkspace(database.db, 'bench events');
  const workspaceId = String(workspace.id);
  const read = await createApiKey(database.db, workspaceId, ['read'], 'bench-events-read');
  const write = await createApiKey(database.db, workspaceId, ['write'], 'bench-events-write');
  const { rows } = await sql<{ id: string }>`
    insert into contacts (workspace_id, external_id, name, custom_attributes)
    select ${workspaceId}, 'be-' || i, 'Bench Subscriber Target ' || i, '{}'::jsonb
    from generate_series(1, ${CONTACTS}) i
    returning id::text as id`.execute(database.db);
  await sql`vacuum (analyze) contacts, contact_events`.execute(database.db);
  return {
    database,
    schema,
    workspaceId,
    readKey: read.key,
    writeKey: write.key,
    contactIds: rows.map((r) => r.id),
  };
}

async function eventHead(setup: EventsSetup): Promise<number> {
  const { rows } = await sql<{ head: string }>`
    select coalesce(max(seq), 0)::text as head from contact_events
    where workspace_id = ${setup.workspaceId}`.execute(setup.database.db);
  return Number(rows[0]?.head ?? 0);
}

// --- Fan-out ---------------------------------------------------------------------------------

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Waits until no delivery has arrived for 500 ms (a backlog from the last step drains). */
async function drain(fleet: Fleet, maxMs = 15_000) {
  const deadline = Date.now() + maxMs;
  let last = (await fleet.state()).received;
  while (Date.now() < deadline) {
    await sleep(500);
    const now = (await fleet.state()).received;
    if (now === last) return;
    last = now;
  }
}

async function fanoutMode(
  options: BenchOptions,
  setup: EventsSetup,
  mode: FanoutMode,
  log: (line: string) => void,
): Promise<FanoutRow[]> {
  const nodeArgs = options.cpuProfDir
    ? // Default names (pid and thread id in them): tsx's loader thread writes one too.
      ['--cpu-prof', '--cpu-prof-dir', `${options.cpuProfDir}/${mode}`]
    : [];
  const server = await startServerProcess(
    {
      DATABASE_URL: options.databaseUrl,
      DATABASE_SCHEMA: setup.schema,
      DATABASE_POOL_SIZE: '20',
      EVENT_FANOUT: mode,
    },
    nodeArgs,
  );
  const wsUrl = server.url.replace(/^http/, 'ws');
  const fleet = createFleet(
    { wsUrl, apiKey: setup.readKey, count: options.subscribers },
    options.clientThreads,
  );
  const ids = setup.contactIds.slice(0, DRIVEN_CONTACTS).map((id) => encodeGlobalId('Contact', id));
  const rows: FanoutRow[] = [];
  try {
    log(`Fan-out ${mode}: connecting ${options.subscribers} subscribers…`);
    const connecting = performance.now();
    await fleet.connect();
    // A subscription is live once it has received something: update until every one has.
    let primer = 0;
    await waitUntil('every subscriber to receive an event', 60_000, async () => {
      await post(server.url, setup.writeKey, UPDATE_QUERY, {
        input: { id: ids[primer++ % ids.length], customAttributes: { primer } },
      });
      const state = await fleet.state();
      return state.primed >= options.subscribers;
    });
    log(
      `Fan-out ${mode}: all live after ${((performance.now() - connecting) / 1000).toFixed(1)} s`,
    );
    await drain(fleet);
    for (const rate of options.eventRates) {
      rows.push(await fanoutStep(options, setup, server, fleet, ids, mode, rate, log));
      await drain(fleet);
      const { open } = await fleet.state();
      if (open === 0) {
        log(`Fan-out ${mode}: every subscriber was cut off; skipping higher rates`);
        break;
      }
    }
  } finally {
    await fleet.close().catch(() => undefined);
    await server.stop();
  }
  return rows;
}

async function fanoutStep(
  options: BenchOptions,
  setup: EventsSetup,
  server: ServerProcess,
  fleet: Fleet,
  ids: string[],
  mode: FanoutMode,
  rate: number,
  log: (line: string) => void,
): Promise<FanoutRow> {
  log(`Fan-out ${mode}: ${rate} events/s…`);
  const perRequest = options.eventsPerRequest;
  const driver = startDriver(server.url, setup.writeKey, ids, rate, perRequest);
  await sleep(options.warmup * 1000);
  const subscribers = (await fleet.state()).open;
  driver.reset();
  await fleet.startWindow();
  const stopCpu = cpuMeter(server.pid);
  const started = performance.now();
  await sleep(options.duration * 1000);
  const window = await fleet.endWindow();
  const seconds = (performance.now() - started) / 1000;
  const cpu = stopCpu();
  const writes = driver.reset();
  await driver.stop();
  const deliveries = window.latenciesMs.length + window.unstamped;
  const sorted = Float64Array.from(window.latenciesMs).sort();
  const mutations = [...writes.latencies].sort((a, b) => a - b);
  const row: FanoutRow = {
    mode,
    rate,
    eventsPerSecond: (writes.ok * perRequest) / seconds,
    mutationP50: percentile(mutations, 50),
    mutationP99: percentile(mutations, 99),
    mutationFailures: writes.failures,
    skipped: writes.skipped,
    subscribers,
    deliveriesPerSecond: deliveries / seconds,
    deliveredShare: writes.ok > 0 ? deliveries / (writes.ok * perRequest * subscribers) : 0,
    p50: percentile(sorted as unknown as number[], 50),
    p99: percentile(sorted as unknown as number[], 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    errors: window.errors,
    closes: window.closes,
    cpu,
  };
  log(
    `  ${row.eventsPerSecond.toFixed(1)} events/s → ${row.deliveriesPerSecond.toFixed(0)} ` +
      `deliveries/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms`,
  );
  return row;
}

// --- Write side ------------------------------------------------------------------------------

async function writeSide(
  options: BenchOptions,
  setup: EventsSetup,
  log: (line: string) => void,
): Promise<WriteSideRow[]> {
  const rows: WriteSideRow[] = [];
  const server = await startServerProcess({
    DATABASE_URL: options.databaseUrl,
    DATABASE_SCHEMA: setup.schema,
    DATABASE_POOL_SIZE: String(UPDATE_CONNECTIONS + 2),
  });
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const measure = async (
    title: string,
    connections: number,
    rowsPerRequest: number,
    request: () => Promise<boolean>,
  ) => {
    log(`Write side: ${title}…`);
    if (options.warmup > 0) await closedLoop(options.warmup, connections, request);
    const head0 = await eventHead(setup);
    const m = await closedLoop(options.duration, connections, request);
    const events = (await eventHead(setup)) - head0;
    const sorted = [...m.latencies].sort((a, b) => a - b);
    rows.push({
      title,
      requestsPerSecond: m.latencies.length / m.seconds,
      eventsPerSecond: events / m.seconds,
      rowsPerSecond: (m.latencies.length * rowsPerRequest) / m.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      failures: m.failures,
    });
  };
  try {
    let upserted = 0;
    await measure(
      `upsertContacts ×${UPSERT_BATCH} (${UPSERT_CONNECTIONS} conn, new contacts)`,
      UPSERT_CONNECTIONS,
      UPSERT_BATCH,
      async () => {
        const contacts = Array.from({ length: UPSERT_BATCH }, () => {
          const i = upserted++;
          return {
            externalId: `bu-${run}-${i}`,
            name: `Bench Upsert ${i}`,
            customAttributes: { plan: i % 3 === 0 ? 'pro' : 'free', seats: i % 50 },
          };
        });
        const { ok, text } = await post(server.url, setup.writeKey, UPSERT_QUERY, {
          input: { contacts },
        });
        return ok && text.includes('"UpsertContactsSuccess"') && !text.includes('"code"');
      },
    );
    const ids = setup.contactIds.map((id) => encodeGlobalId('Contact', id));
    let n = 0;
    await measure(`updateContact (${UPDATE_CONNECTIONS} conn)`, UPDATE_CONNECTIONS, 1, async () => {
      const i = n++;
      const { ok, text } = await post(server.url, setup.writeKey, UPDATE_QUERY, {
        input: { id: ids[i % ids.length], customAttributes: { n: i } },
      });
      return ok && updateOk(text);
    });
  } finally {
    await server.stop();
  }

  // Raw SQL, one round trip per transaction either way (simple-query multi-statement).
  const pool = setup.database.pool as pg.Pool;
  const local = setup.contactIds;
  for (const skip of [false, true]) {
    let n = 0;
    const setting = skip ? 'on' : 'off';
    await measure(
      `SQL update 1 row (${UPDATE_CONNECTIONS} conn, events ${skip ? 'skipped' : 'written'})`,
      UPDATE_CONNECTIONS,
      1,
      async () => {
        const i = n++;
        await pool.query(
          `begin; set local contactgraph.skip_events = '${setting}';
           update contacts set custom_attributes = custom_attributes || jsonb_build_object('n', ${i}),
             updated_at = now()
           where workspace_id = ${setup.workspaceId} and id = ${local[i % local.length]}; commit;`,
        );
        return true;
      },
    );
  }
  for (const skip of [false, true]) {
    let n = 0;
    const setting = skip ? 'on' : 'off';
    await measure(
      `SQL update ${SQL_BATCH} rows (1 conn, events ${skip ? 'skipped' : 'written'})`,
      1,
      SQL_BATCH,
      async () => {
        const i = n++;
        const from = (i * SQL_BATCH) % local.length;
        const batch = local.slice(from, from + SQL_BATCH);
        await pool.query(
          `begin; set local contactgraph.skip_events = '${setting}';
           update contacts set custom_attributes = custom_attributes || jsonb_build_object('n', ${i}),
             updated_at = now()
           where workspace_id = ${setup.workspaceId} and id in (${batch.join(', ')}); commit;`,
        );
        return true;
      },
    );
  }
  return rows;
}

// --- Entry -----------------------------------------------------------------------------------

export async function runEvents(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<EventsReport> {
  const setup = await setUp(options, log);
  const notes: string[] = [];
  try {
    const fanout: FanoutRow[] = [];
    for (const mode of MODES) fanout.push(...(await fanoutMode(options, setup, mode, log)));
    const writes = options.skipEventWrites ? [] : await writeSide(options, setup, log);
    return {
      subscribers: options.subscribers,
      clientThreads: options.clientThreads,
      eventsPerRequest: options.eventsPerRequest,
      fanout,
      writes,
      notes,
    };
  } finally {
    if (options.keepSchema) {
      log(`Events: keeping schema "${setup.schema}" (--keep-schema)`);
    } else {
      await sql`drop schema if exists ${sql.id(setup.schema)} cascade`.execute(setup.database.db);
    }
    await setup.database.close();
  }
}

// --- Report ----------------------------------------------------------------------------------

const num = (n: number, width: number, digits = 0) =>
  (Number.isFinite(n) ? n.toFixed(digits) : '-').padStart(width);

const peak = (rows: FanoutRow[], mode: FanoutMode) =>
  rows
    .filter((r) => r.mode === mode)
    .reduce<FanoutRow | undefined>(
      (best, r) => (!best || r.deliveriesPerSecond > best.deliveriesPerSecond ? r : best),
      undefined,
    );

export function renderEventsReport(report: EventsReport): string {
  const out: string[] = [];
  const where =
    report.clientThreads > 0
      ? `${report.clientThreads} worker threads of the bench process`
      : 'the bench process main thread';
  out.push(
    '',
    `Contact events fan-out: ${report.subscribers} graphql-ws subscribers (in ${where}), one ` +
      'workspace, same document; driven by ' +
      (report.eventsPerRequest === 1
        ? 'updateContact (1 event per request)'
        : `upsertContacts of ${report.eventsPerRequest} existing contacts (events per request)`) +
      '; latency = receive − sentAt (taken before the mutation request is sent), so it includes ' +
      'the mutation (mut p50/p99).',
  );
  const header =
    'fan-out         | target ev/s | events/s | subs | deliveries/s | delivered | p50 ms  p99 ms  max ms ' +
    '| mut p50  p99 | CPU% server bench machine | closes';
  out.push('', header, '-'.repeat(header.length));
  for (const r of report.fanout) {
    const closes = Object.entries(r.closes)
      .map(([code, n]) => `${code}×${n}`)
      .join(' ');
    out.push(
      `${r.mode.padEnd(15)} | ${num(r.rate, 11)} | ${num(r.eventsPerSecond, 8, 1)} | ` +
        `${num(r.subscribers, 4)} | ${num(r.deliveriesPerSecond, 12)} | ` +
        `${num(r.deliveredShare * 100, 8, 1)}% | ${num(r.p50, 6, 1)} ${num(r.p99, 7, 1)} ` +
        `${num(r.max, 7, 0)} | ${num(r.mutationP50, 7, 1)} ${num(r.mutationP99, 4, 0)} | ` +
        `${num(r.cpu.server, 10)} ${num(r.cpu.bench, 5)} ${num(r.cpu.machine, 7)} | ` +
        `${closes || '-'}${r.errors ? ` errors ${r.errors}` : ''}` +
        `${r.mutationFailures ? ` mut-fail ${r.mutationFailures}` : ''}` +
        `${r.skipped ? ` skipped ${r.skipped}` : ''}`,
    );
  }
  const rates = [...new Set(report.fanout.map((r) => r.rate))];
  out.push('', 'grouped / per-subscriber at the same rate (deliveries/s; p99):');
  for (const rate of rates) {
    const g = report.fanout.find((r) => r.mode === 'grouped' && r.rate === rate);
    const p = report.fanout.find((r) => r.mode === 'per-subscriber' && r.rate === rate);
    if (!g || !p) continue;
    out.push(
      `  ${num(rate, 5)} ev/s: ${num(g.deliveriesPerSecond, 7)} vs ${num(p.deliveriesPerSecond, 7)} ` +
        `= ${(g.deliveriesPerSecond / p.deliveriesPerSecond).toFixed(2)}×; p99 ${g.p99.toFixed(1)} vs ` +
        `${p.p99.toFixed(1)} ms`,
    );
  }
  const g = peak(report.fanout, 'grouped');
  const p = peak(report.fanout, 'per-subscriber');
  if (g && p) {
    const target = REFERENCE_DELIVERIES * TARGET_FACTOR;
    out.push(
      `Peak deliveries/s: grouped ${g.deliveriesPerSecond.toFixed(0)} (at ${g.rate} ev/s, p99 ` +
        `${g.p99.toFixed(1)} ms), per-subscriber ${p.deliveriesPerSecond.toFixed(0)} (at ${p.rate} ` +
        `ev/s, p99 ${p.p99.toFixed(1)} ms): ${(g.deliveriesPerSecond / p.deliveriesPerSecond).toFixed(2)}×`,
      `Target: grouped ≥ ${TARGET_FACTOR}× the reference ${REFERENCE_DELIVERIES} = ${target} ` +
        `deliveries/s: ${g.deliveriesPerSecond >= target ? 'met' : 'MISSED'}`,
    );
  }
  const wHeader =
    'write side                                          |  req/s | events/s | rows/s  | p50 ms  p99 ms | failures';
  out.push('', wHeader, '-'.repeat(wHeader.length));
  for (const w of report.writes) {
    out.push(
      `${w.title.padEnd(51)} | ${num(w.requestsPerSecond, 6)} | ${num(w.eventsPerSecond, 8)} | ` +
        `${num(w.rowsPerSecond, 7)} | ${num(w.p50, 6, 2)} ${num(w.p99, 7, 2)} | ${w.failures}`,
    );
  }
  const pair = (needle: string) => {
    const on = report.writes.find((w) => w.title.includes(needle) && w.title.includes('written'));
    const off = report.writes.find((w) => w.title.includes(needle) && w.title.includes('skipped'));
    return on && off ? (on.rowsPerSecond / off.rowsPerSecond).toFixed(2) : '-';
  };
  out.push(
    `Trigger cost: with events / without = ${pair('1 row')} (single-row) and ${pair(`${SQL_BATCH} rows`)} ` +
      `(${SQL_BATCH}-row statement) of the throughput.`,
    ...report.notes,
  );
  return out.join('\n');
}
