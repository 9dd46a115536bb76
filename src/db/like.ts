import { type RawBuilder, sql } from 'kysely';

/** Escapes LIKE wildcards so user text matches literally (backslash is LIKE's default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `expression` contains `text`, case-insensitively; `expression` must already be lower-cased. */
export function lowerContains(expression: RawBuilder<unknown>, text: string): RawBuilder<boolean> {
  return sql<boolean>`${expression} like ${`%${escapeLike(text.toLowerCase())}%`}`;
}

export function lowerStartsWith(
  expression: RawBuilder<unknown>,
  text: string,
): RawBuilder<boolean> {
  return sql<boolean>`${expression} like ${`${escapeLike(text.toLowerCase())}%`}`;
}
