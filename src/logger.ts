import type { Config } from './config.js';

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
type Level = (typeof LEVELS)[number];

export type Logger = Record<Exclude<Level, 'silent'>, (message: string, fields?: object) => void>;

/**
 * One JSON line per entry on stderr. Callers pass ids and codes, never request bodies or
 * contact data, so no PII or secret reaches the log.
 */
export function createLogger(level: Config['logLevel']): Logger {
  const threshold = LEVELS.indexOf(level);
  const at = (l: Exclude<Level, 'silent'>) => (message: string, fields?: object) => {
    if (LEVELS.indexOf(l) < threshold) return;
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: l, message, ...fields })}\n`,
    );
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
