import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { createApiKey, listApiKeys, revokeApiKey, SCOPES, type Scope } from './db/api-keys.js';
import { openDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { createWorkspace, findWorkspace } from './db/workspaces.js';
import { decodeGlobalId, encodeGlobalId } from './global-id.js';

const USAGE = `Usage: npm run cli -- <command> [options]

  workspace create --name NAME [--json]        create a workspace and an admin API key
  apikey create --workspace ID [--scopes read,write,admin] [--name NAME] [--json]
  apikey list --workspace ID [--json]
  apikey revoke --id KEY_ID [--json]

IDs are the global IDs the API shows (plain numbers work too). Keys are printed once;
only their hash is stored. With PGlite, stop the server first: one process owns its folder.`;

class CliError extends Error {}

function workspaceIdOf(value: string | undefined): string {
  if (!value) throw new CliError('--workspace is required');
  if (/^[1-9][0-9]{0,18}$/.test(value)) return value;
  try {
    const { typename, id } = decodeGlobalId(value, '--workspace');
    if (typename === 'Workspace') return id;
  } catch {
    // fall through to the error below
  }
  throw new CliError(`--workspace: "${value}" is not a workspace ID`);
}

function scopesOf(value: string | undefined): Scope[] {
  const scopes = (value ?? 'read,write').split(',').map((s) => s.trim().toLowerCase());
  const unknown = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (unknown.length || scopes.length === 0) {
    throw new CliError(`--scopes: unknown scope ${unknown.join(', ')} (use ${SCOPES.join(', ')})`);
  }
  return scopes as Scope[];
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      workspace: { type: 'string' },
      scopes: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const out = (json: object, text: string) =>
    console.log(values.json ? JSON.stringify(json) : text);

  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    await migrateToLatest(
      database.db,
      config.database.kind === 'postgres' ? config.database.schema : 'public',
    );
    const db = database.db;
    switch (command) {
      case 'workspace create': {
        const name = values.name?.trim();
        if (!name) throw new CliError('--name is required');
        const { workspace, key } = await db.transaction().execute(async (tx) => {
          const workspace = await createWorkspace(tx, name);
          const key = await createApiKey(
            tx,
            workspace.id,
            ['read', 'write', 'admin'],
            'created with the workspace',
          );
          return { workspace, key };
        });
        const workspaceId = encodeGlobalId('Workspace', workspace.id);
        out(
          { workspaceId, apiKey: key.key },
          `Workspace ${workspaceId} created.\nAdmin API key (shown only now): ${key.key}`,
        );
        break;
      }
      case 'apikey create': {
        const workspaceId = workspaceIdOf(values.workspace);
        if (!(await findWorkspace(db, workspaceId)))
          throw new CliError('--workspace: no such workspace');
        const key = await createApiKey(db, workspaceId, scopesOf(values.scopes), values.name ?? '');
        out(
          {
            apiKeyId: key.id,
            workspaceId: encodeGlobalId('Workspace', workspaceId),
            apiKey: key.key,
            scopes: key.scopes,
          },
          `API key ${key.id} (${key.scopes.join(', ')}), shown only now: ${key.key}`,
        );
        break;
      }
      case 'apikey list': {
        const keys = await listApiKeys(db, workspaceIdOf(values.workspace));
        out(
          keys,
          keys
            .map(
              (k) =>
                `${k.id}\t${k.keyPrefix}…\t${k.scopes.join(',')}\t${k.revokedAt ? 'revoked' : 'active'}\t${k.name}`,
            )
            .join('\n') || 'No keys.',
        );
        break;
      }
      case 'apikey revoke': {
        if (!values.id || !/^[1-9][0-9]{0,18}$/.test(values.id))
          throw new CliError('--id KEY_ID is required');
        const revoked = await revokeApiKey(db, values.id);
        if (!revoked) throw new CliError(`no active key with id ${values.id}`);
        out({ revoked: values.id }, `API key ${values.id} revoked.`);
        break;
      }
      default:
        throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof CliError ? `Error: ${error.message}` : error);
  process.exit(error instanceof CliError ? 2 : 1);
});
