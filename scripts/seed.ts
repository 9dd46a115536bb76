import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { totalRows } from '../src/db/bulk-load.js';
import { DEFAULT_WORKERS } from '../src/db/chunk-source.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import {
  analyzeTables,
  type DatasetOptions,
  type SeededWorkspace,
  seedDataset,
} from '../src/demo/dataset.js';
import { encodeGlobalId } from '../src/global-id.js';

const USAGE = `Usage: npm run seed -- [--workspaces N] [--contacts N] [--seed N] [--workers N] [--json]

Loads a deterministic dataset: --contacts (total, default 10000) split over --workspaces
(default 1), ~1 organization per 100 contacts (at least 50), 20 labels and ~3 conversations
per contact in each; the same --seed gives the same rows. Prints each workspace's id and a
new admin key.

PostgreSQL (DATABASE_URL, DATABASE_SCHEMA): COPY, one transaction per workspace, rows made
by --workers threads (default: one per core, at most 4). Into an empty contacts table, the secondary
indexes and foreign keys of contacts, contact_labels and conversations are dropped first and
rebuilt at the end; if a run dies midway, the next run rebuilds them before loading.
PGlite (DATA_DIR): multi-row INSERTs, fine for small sizes.`;

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
}

function readOptions(argv: string[]): (DatasetOptions & { json: boolean }) | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      workspaces: { type: 'string' },
      contacts: { type: 'string' },
      seed: { type: 'string' },
      chunk: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const workspaces = wholeNumber('workspaces', values.workspaces, 1);
  if (workspaces < 1) throw new Error('--workspaces must be at least 1');
  return {
    workspaces,
    contacts: wholeNumber('contacts', values.contacts, 10_000),
    seed: wholeNumber('seed', values.seed, 1),
    chunkSize: Math.max(1, wholeNumber('chunk', values.chunk, 10_000)),
    workers: wholeNumber('workers', values.workers, DEFAULT_WORKERS),
    json: values.json,
  };
}

const round = (seconds: number) => Number(seconds.toFixed(2));
const rate = (rows: number, seconds: number) => Math.round(rows / Math.max(seconds, 1e-9));

function describe(seeded: SeededWorkspace, index: number): string {
  const rows = totalRows(seeded.counts);
  const { contacts, conversations, contactLabels, organizations } = seeded.counts;
  return [
    `workspace ${index + 1}: id ${seeded.workspaceId} (${encodeGlobalId('Workspace', seeded.workspaceId)})`,
    `  admin API key (shown only now): ${seeded.apiKey}`,
    `  ${contacts} contacts, ${organizations} organizations, ${contactLabels} label links, ` +
      `${conversations} conversations in ${seeded.seconds.toFixed(1)} s ` +
      `(${rate(rows, seeded.seconds)} rows/s, ${rate(contacts, seeded.seconds)} contacts/s)`,
  ].join('\n');
}

async function main(argv: string[]) {
  const options = readOptions(argv);
  if (!options) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const database = await openDatabase(config.database);
  const schema = config.database.kind === 'postgres' ? config.database.schema : 'public';
  try {
    if (schema !== 'public') {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(database.db);
    }
    await migrateToLatest(database.db, schema);
    const started = performance.now();
    const result = await seedDataset(database, options, (s, i) => {
      if (!options.json) console.log(describe(s, i));
    });
    const beforeAnalyze = performance.now();
    await analyzeTables(database);
    const analyzeSeconds = (performance.now() - beforeAnalyze) / 1000;
    const seconds = (performance.now() - started) / 1000;
    const rows = result.workspaces.reduce((n, s) => n + totalRows(s.counts), 0);
    const summary = {
      database: config.database.kind,
      schema,
      seed: options.seed,
      contacts: options.contacts,
      workspaceCount: options.workspaces,
      rows,
      loadSeconds: round(result.loadSeconds),
      indexSeconds: round(result.indexSeconds),
      analyzeSeconds: round(analyzeSeconds),
      totalSeconds: round(seconds),
      rowsPerSecond: rate(rows, seconds),
    };
    if (options.json) {
      const workspaces = result.workspaces.map((s) => ({
        ...s,
        globalId: encodeGlobalId('Workspace', s.workspaceId),
      }));
      console.log(JSON.stringify({ ...summary, workspaces }, null, 2));
    } else {
      console.log(
        `\n${rows} rows in ${seconds.toFixed(1)} s: load ${result.loadSeconds.toFixed(1)} s, ` +
          `indexes and foreign keys ${result.indexSeconds.toFixed(1)} s, analyze ` +
          `${analyzeSeconds.toFixed(1)} s; ${summary.rowsPerSecond} rows/s, ` +
          `${rate(options.contacts, seconds)} contacts/s overall`,
      );
    }
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
