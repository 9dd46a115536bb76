import { loadConfig } from './config.js';
import { reconcileAttributeIndexes } from './db/attribute-index-maintenance.js';
import { openDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { hasWorkspaces } from './db/workspaces.js';
import { createDemoWorkspace } from './demo/demo.js';
import { createDemoSchema } from './demo/demo-schema.js';
import { createLogger } from './logger.js';
import { createServer } from './server.js';

/** config → open database → migrate → demo data if empty → listen. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config.database);
  await migrateToLatest(
    database.db,
    config.database.kind === 'postgres' ? config.database.schema : 'public',
  );
  let demoKey: string | undefined;
  if (config.demoData && !(await hasWorkspaces(database.db))) {
    const demo = await createDemoWorkspace(database.db);
    demoKey = demo.apiKey;
  }
  const server = await createServer(config, database, log);
  if (demoKey) await createDemoSchema(server.yoga.fetch, demoKey);
  // Repairs what a crash between a definition's commit and its index build left behind.
  reconcileAttributeIndexes(database.db).then(
    ({ created, dropped }) => {
      if (created.length || dropped.length)
        log.info('attribute indexes reconciled', { created, dropped });
    },
    (error: unknown) =>
      log.error('attribute index reconciliation failed', {
        error: error instanceof Error ? error.message : String(error),
      }),
  );
  const { url } = await server.listen(config.port, config.host);
  const where =
    config.database.kind === 'postgres' ? 'PostgreSQL' : `PGlite in ${config.database.dataDir}`;
  console.log(`contactgraph is serving ${url} (database: ${where})`);
  if (demoKey) {
    // Printed once: only its hash is stored.
    console.log(`\nDemo workspace created. Its API key (shown only now):\n  ${demoKey}`);
    console.log(`GraphiQL with the key filled in:\n  ${url}?apiKey=${demoKey}\n`);
  } else {
    console.log(
      `GraphiQL: ${url} (create a key with \`npm run cli -- apikey create --workspace ID\`)`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    await server.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
