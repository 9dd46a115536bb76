import { type AttributesReport, runAttributes } from './attributes.js';
import { runAll, settingsLine } from './compare.js';
import { ensureDataset, openBenchDatabase } from './dataset.js';
import { type EventsReport, renderEventsReport, runEvents } from './events.js';
import { loadFixtures } from './fixtures.js';
import { describeMachine, machineLine } from './machine.js';
import { operations } from './operations.js';
import { type BenchOptions, readOptions, USAGE } from './options.js';
import { ratio, renderTable } from './report.js';
import { countStatements } from './statements.js';
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
      const settings = settingsLine('Dataset', options, dataset);
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

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
