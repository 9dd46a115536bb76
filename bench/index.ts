import type { DatabaseHandle } from '../src/db/connect.js';
import { type AttributesReport, runAttributes } from './attributes.js';
import { type BenchDataset, ensureDataset, openBenchDatabase } from './dataset.js';
import { type EventsReport, renderEventsReport, runEvents } from './events.js';
import { loadFixtures } from './fixtures.js';
import { loadHttp } from './http-load.js';
import { describeMachine, machineLine } from './machine.js';
import { type Operation, operations } from './operations.js';
import { type BenchOptions, readOptions, USAGE } from './options.js';
import { type Row, ratio, renderTable } from './report.js';
import { startServerProcess } from './server-process.js';
import { loadSql } from './sql-load.js';
import { countStatements } from './statements.js';
import { type Measurement, summarize } from './stats.js';
import { renderWriteTable, runWrites, WRITE_NAMES, writeRatio } from './writes.js';

/**
 * GraphQL over HTTP against the server in a child process vs. the best single SQL statement
 * for the same data, per read. Progress goes to stderr, the table to stdout.
 */
async function main(argv: string[]) {
  const options = readOptions(argv);
  if (!options) {
    console.log(USAGE);
    return;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // The events and attributes benches bring their own schemas and run only when named.
  if (options.only.length > 0 && options.only.every((name) => OWN_SCHEMA.has(name))) {
    await suitesOnly(options, log);
    return;
  }
  const dataset = await ensureDataset(options, log);
  const database = await openBenchDatabase(options);
  try {
    const machine = await describeMachine(database);
    const fixtures = await loadFixtures(database, dataset.workspaceId);
    const ops = operations(fixtures).filter(
      (op) => options.only.length === 0 || options.only.includes(op.name),
    );
    const statements = await countStatements(options, dataset.apiKey, ops);
    const rows =
      ops.length > 0 ? await runAll(options, dataset, database, ops, statements, log) : [];
    const writes = WRITE_NAMES.filter(
      (name) => options.only.length === 0 || options.only.includes(name),
    );
    const writeRows = await runWrites(options, dataset.workspaceId, database, writes, log);
    const events = options.only.includes('events') ? await runEvents(options, log) : undefined;
    const attributes = options.only.includes('attributes')
      ? await runAttributes(options, log)
      : undefined;
    if (options.json) {
      const { databaseUrl: _secret, ...shown } = options;
      const out = {
        machine,
        options: shown,
        rows: rows.map((r) => ({ ...r, ratio: ratio(r) })),
        writes: writeRows.map((r) => ({ ...r, ratio: writeRatio(r) })),
        events,
        attributes: attributes && attributesJson(attributes),
      };
      console.log(JSON.stringify(out, null, 2));
    } else {
      const settings = settingsLine(options, dataset);
      console.log(
        rows.length > 0
          ? renderTable(rows, machine, settings)
          : `${machineLine(machine)}\n${settings}`,
      );
      if (writeRows.length > 0) console.log(renderWriteTable(writeRows));
      if (events) console.log(renderEventsReport(events));
      if (attributes)
        console.log(`\n${renderTable(attributes.rows, machine, attributes.settings)}`);
    }
  } finally {
    await database.close();
  }
}

/** Suites that bring their own schema instead of the read dataset. */
const OWN_SCHEMA = new Set(['events', 'attributes']);

const attributesJson = (report: AttributesReport) => ({
  settings: report.settings,
  rows: report.rows.map((r) => ({ ...r, ratio: ratio(r) })),
});

/** `--only events,attributes` (either or both): no read dataset, each in its own schema. */
async function suitesOnly(options: BenchOptions, log: (line: string) => void) {
  const database = await openBenchDatabase(options, 1);
  let machine: Awaited<ReturnType<typeof describeMachine>>;
  try {
    machine = await describeMachine(database);
  } finally {
    await database.close();
  }
  const events: EventsReport | undefined = options.only.includes('events')
    ? await runEvents(options, log)
    : undefined;
  const attributes = options.only.includes('attributes')
    ? await runAttributes(options, log)
    : undefined;
  if (options.json) {
    const { databaseUrl: _secret, ...shown } = options;
    const out = {
      machine,
      options: shown,
      events,
      attributes: attributes && attributesJson(attributes),
    };
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  if (events) {
    console.log(machineLine(machine));
    console.log(
      `Events: ${options.warmup} s warm-up + ${options.duration} s measured per step; ` +
        `event rates ${options.eventRates.join(', ')} events/s`,
    );
    console.log(renderEventsReport(events));
  }
  if (attributes) console.log(renderTable(attributes.rows, machine, attributes.settings));
}

/** Per operation, GraphQL then raw SQL back to back, so drifting machine load hits both. */
async function runAll(
  options: BenchOptions,
  dataset: BenchDataset,
  database: DatabaseHandle,
  ops: Operation[],
  statements: Map<string, number>,
  log: (line: string) => void,
): Promise<Row[]> {
  const server = await startServerProcess({
    DATABASE_URL: options.databaseUrl,
    DATABASE_SCHEMA: options.schema,
    DATABASE_POOL_SIZE: String(Math.min(200, options.connections)),
  });
  const { connections } = options;
  const rows: Row[] = [];
  try {
    for (const op of ops) {
      log(`${op.title}: GraphQL…`);
      const graphql = await measure(options, (s) =>
        loadHttp(server.url, dataset.apiKey, op, s, connections),
      );
      log(`${op.title}: raw SQL…`);
      const raw = await measure(options, (s) => loadSql(database.pool, op, s, connections));
      rows.push({
        name: op.name,
        title: op.title,
        graphql,
        raw,
        statements: statements.get(op.name) ?? 0,
      });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

/** A warm-up run (discarded), then the measured one. */
async function measure(options: BenchOptions, run: (seconds: number) => Promise<Measurement>) {
  if (options.warmup > 0) await run(options.warmup);
  return summarize(await run(options.duration));
}

function settingsLine(options: BenchOptions, dataset: BenchDataset): string {
  const origin =
    dataset.seedSeconds === null ? 'reused' : `seeded in ${dataset.seedSeconds.toFixed(1)} s`;
  return (
    `Dataset: ${options.contacts} contacts (seed ${options.seed}, schema "${options.schema}", ` +
    `${origin}); ${options.connections} connections, ${options.warmup} s warm-up + ` +
    `${options.duration} s measured per run`
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
