import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../src/config.js';
import { authenticateApiKey } from '../src/db/api-keys.js';
import { openDatabase } from '../src/db/connect.js';
import { decodeGlobalId } from '../src/global-id.js';

/**
 * The CLI as an operator runs it: a child process on a real database. On PGlite every step
 * shares one data folder (each start costs an initdb otherwise); on PostgreSQL, one fresh schema.
 */
const ROOT = join(import.meta.dirname, '..');
const databaseUrl = process.env.DATABASE_URL;
const schema = `cli_${randomBytes(6).toString('hex')}`;
let dataDir: string;

type Run = { code: number; stdout: string; stderr: string };

function cli(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir };
  if (databaseUrl) env.DATABASE_SCHEMA = schema;
  else delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function json<T>(run: Run): T {
  expect(run.stderr, 'stderr').toBe('');
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

async function withPostgres(fn: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'contactgraph-cli-')), 'data');
  if (databaseUrl) await withPostgres((c) => c.query(`create schema ${schema}`));
});
afterAll(async () => {
  if (databaseUrl) await withPostgres((c) => c.query(`drop schema if exists ${schema} cascade`));
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

describe('the CLI', { timeout: 120_000 }, () => {
  let workspace: { workspaceId: string; apiKey: string };
  let readKey: { apiKeyId: string; workspaceId: string; apiKey: string; scopes: string[] };

  it('creates a workspace and prints its ID and admin key as JSON', async () => {
    workspace = json(await cli('workspace', 'create', '--name', 'Acme CLI', '--json'));
    expect(Object.keys(workspace).sort()).toEqual(['apiKey', 'workspaceId']);
    expect(decodeGlobalId(workspace.workspaceId).typename).toBe('Workspace');
    expect(workspace.apiKey).toMatch(/^cg_[A-Za-z0-9_-]{40,}$/);
  });

  it('creates a read-only key for that workspace', async () => {
    readKey = json(
      await cli(
        'apikey',
        'create',
        '--workspace',
        workspace.workspaceId,
        '--scopes',
        'read',
        '--json',
      ),
    );
    expect(readKey.workspaceId).toBe(workspace.workspaceId);
    expect(readKey.scopes).toEqual(['read']);
    expect(readKey.apiKey).toMatch(/^cg_/);
    expect(readKey.apiKey).not.toBe(workspace.apiKey);
  });

  it('refuses an unknown scope with exit code 2 and a message naming it', async () => {
    const run = await cli(
      'apikey',
      'create',
      '--workspace',
      workspace.workspaceId,
      '--scopes',
      'read,superuser',
      '--json',
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/--scopes: unknown scope superuser \(use read, write, admin\)/);
  });

  it('refuses a workspace that does not exist with exit code 2', async () => {
    const run = await cli('apikey', 'create', '--workspace', '987654', '--json');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--workspace: no such workspace/);
  });

  it('revokes a key by id, once', async () => {
    const revoked = json<{ revoked: string }>(
      await cli('apikey', 'revoke', '--id', readKey.apiKeyId, '--json'),
    );
    expect(revoked).toEqual({ revoked: readKey.apiKeyId });
    const again = await cli('apikey', 'revoke', '--id', readKey.apiKeyId, '--json');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no active key with id/);
  });

  it('lists the workspace’s keys with their scopes and whether they are revoked', async () => {
    const keys = json<{ id: string; scopes: string[]; revokedAt: string | null }[]>(
      await cli('apikey', 'list', '--workspace', workspace.workspaceId, '--json'),
    );
    expect(keys.map((k) => ({ scopes: k.scopes, revoked: k.revokedAt !== null }))).toEqual([
      { scopes: ['read', 'write', 'admin'], revoked: false },
      { scopes: ['read'], revoked: true },
    ]);
    expect(keys[1]?.id).toBe(readKey.apiKeyId);
    expect(JSON.stringify(keys)).not.toContain(readKey.apiKey);
  });

  it('wrote keys that authenticate with their scopes, and the revoked one does not', async () => {
    const config: DatabaseConfig = databaseUrl
      ? { kind: 'postgres', url: databaseUrl, schema, poolSize: 1 }
      : { kind: 'pglite', dataDir };
    const database = await openDatabase(config);
    try {
      const admin = await authenticateApiKey(database.db, workspace.apiKey);
      expect(admin?.workspaceId).toBe(decodeGlobalId(workspace.workspaceId).id);
      expect([...(admin?.scopes ?? [])].sort()).toEqual(['admin', 'read', 'write']);
      expect(await authenticateApiKey(database.db, readKey.apiKey)).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
