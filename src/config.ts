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
});

export type Config = {
  port: number;
  host: string;
  database: DatabaseConfig;
  demoData: boolean;
  production: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
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
  };
}
