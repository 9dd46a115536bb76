import { z } from 'zod';

/** Everything the process reads from its environment, validated once at start-up. */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  /** Schema (search_path) on a real server; lets tests and co-tenants share one database. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'lower-case identifier')
    .default('public'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().default('./data'),
  /** Create a demo workspace with sample data when the database has no workspace. */
  DEMO_DATA: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** What wakes event subscribers; defaults: redis with REDIS_URL, postgres with DATABASE_URL. */
  EVENT_BUS: z.enum(['memory', 'postgres', 'redis']).optional(),
  REDIS_URL: z.string().url().optional(),
  /** Safety-net re-read of the event store while anyone subscribes, in case a wake-up is lost. */
  EVENT_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(2000),
  /** Events a subscriber may have undelivered before it is cut off as too slow. */
  EVENT_BUFFER: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** Delete contact events older than this many days (0: keep them forever). */
  EVENT_RETENTION_DAYS: z.coerce.number().min(0).max(36_500).default(0),
  /** `grouped` runs a subscription's selection once per event for all identical subscriptions. */
  EVENT_FANOUT: z.enum(['grouped', 'per-subscriber']).default('grouped'),
  /** WebSocket keep-alive: ping this often; a socket that missed the last pong is dropped. */
  WS_PING_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  /** How often long-lived connections (WebSocket, SSE streams) re-check that their key is live. */
  AUTH_RECHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** How long shutdown waits for in-flight HTTP requests before closing their connections. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
});

export type Config = {
  port: number;
  host: string;
  database: DatabaseConfig;
  demoData: boolean;
  production: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  events: EventsConfig;
  wsPingMs: number;
  authRecheckMs: number;
  shutdownGraceMs: number;
};

export type EventsConfig = {
  bus: { kind: 'memory' } | { kind: 'postgres' } | { kind: 'redis'; url: string };
  pollMs: number;
  bufferSize: number;
  fanout: 'grouped' | 'per-subscriber';
  /** 0: events are kept forever. */
  retentionDays: number;
};

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; schema: string; poolSize: number }
  | { kind: 'pglite'; dataDir: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          schema: e.DATABASE_SCHEMA,
          poolSize: e.DATABASE_POOL_SIZE,
        }
      : { kind: 'pglite', dataDir: e.DATA_DIR },
    demoData: e.DEMO_DATA,
    production: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    events: {
      bus: eventBus(
        e.EVENT_BUS ?? (e.REDIS_URL ? 'redis' : e.DATABASE_URL ? 'postgres' : 'memory'),
        e.REDIS_URL,
      ),
      pollMs: e.EVENT_POLL_MS,
      bufferSize: e.EVENT_BUFFER,
      fanout: e.EVENT_FANOUT,
      retentionDays: e.EVENT_RETENTION_DAYS,
    },
    wsPingMs: e.WS_PING_MS,
    authRecheckMs: e.AUTH_RECHECK_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}

function eventBus(kind: 'memory' | 'postgres' | 'redis', redisUrl?: string): EventsConfig['bus'] {
  if (kind !== 'redis') return { kind };
  if (!redisUrl) throw new Error('Invalid configuration:\n  EVENT_BUS=redis needs REDIS_URL');
  return { kind, url: redisUrl };
}

/**
 * A configuration for an embedding program (tests, benchmarks) that already chose its database:
 * defaults as for `loadConfig`, quiet, no demo data, with `env` for any other setting.
 */
export function configFor(database: DatabaseConfig, env: NodeJS.ProcessEnv = {}): Config {
  const url = database.kind === 'postgres' ? database.url : undefined;
  const config = loadConfig({ LOG_LEVEL: 'silent', DEMO_DATA: 'false', DATABASE_URL: url, ...env });
  return { ...config, port: 0, database };
}
