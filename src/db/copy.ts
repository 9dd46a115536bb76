import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** What a COPY text cell can hold; objects are written as JSON. */
export type CopyValue = string | number | boolean | Date | object | null;

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: `\N` for null, backslash escapes inside text. */
export function copyCell(value: CopyValue): string {
  if (value === null) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Most cells need no escape: testing first is cheaper than always replacing.
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c] as string) : text;
}

export function copyLine(values: readonly CopyValue[]): string {
  return `${values.map(copyCell).join('\t')}\n`;
}

/**
 * Streams rows into `table` with COPY FROM STDIN. COPY writes given values even into
 * GENERATED ALWAYS identity columns, so callers that pass ids must reserve them first.
 */
export async function copyRows<Row>(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly Row[],
  toValues: (row: Row, index: number) => readonly CopyValue[],
): Promise<void> {
  const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
  await pipeline(Readable.from(batchedLines(rows, toValues)), stream);
}

/** Streams already encoded COPY text (whole lines) into `table`. */
export async function copyText(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  text: string,
): Promise<void> {
  if (text === '') return;
  const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
  await pipeline(Readable.from([text]), stream);
}

/** Lines joined a few hundred at a time: fewer, larger writes to the socket. */
function* batchedLines<Row>(
  rows: readonly Row[],
  toValues: (row: Row, index: number) => readonly CopyValue[],
  batch = 500,
): Generator<string> {
  for (let start = 0; start < rows.length; start += batch) {
    let text = '';
    const end = Math.min(rows.length, start + batch);
    for (let i = start; i < end; i++) text += copyLine(toValues(rows[i] as Row, i));
    yield text;
  }
}

/**
 * Reserves `count` consecutive ids of `table`'s identity column and returns the first. The
 * caller must hold a lock that keeps other sessions from inserting into `table` meanwhile.
 */
export async function reserveIds(
  client: pg.PoolClient,
  table: string,
  count: number,
): Promise<number> {
  const sequence = `pg_get_serial_sequence('${table}', 'id')`;
  const { rows } = await client.query<{ first: string }>(
    `select nextval(${sequence})::text as first`,
  );
  const first = Number(rows[0]?.first);
  if (count > 1) await client.query(`select setval(${sequence}, $1)`, [first + count - 1]);
  return first;
}
