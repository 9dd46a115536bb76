import type { AttributeType } from '../db/schema.js';

/** How a value is shown to people: a locale for numbers and dates, a zone for date-times. */
export type AttributeFormatOptions = {
  /** BCP 47 locale; default `en-US`. An invalid one throws a RangeError (check it first). */
  locale?: string | null;
  /** IANA time zone for DATETIME values; default `UTC`. An invalid one throws a RangeError. */
  timeZone?: string | null;
};

const DEFAULT_LOCALE = 'en-US';
const DEFAULT_TIME_ZONE = 'UTC';

// Recent ICU versions put narrow no-break spaces around "PM" and "at"; plain spaces keep the
// text the same on every Node version (templates and tests compare strings).
const plainSpaces = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let formatter = formatters.get(key) as F | undefined;
  if (!formatter) {
    formatter = make();
    if (formatters.size > 500) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

function formatNumber(value: number, locale: string): string {
  return cached(
    `n:${locale}`,
    () => new Intl.NumberFormat(locale, { maximumFractionDigits: 20 }),
  ).format(value);
}

/** A calendar day (`YYYY-MM-DD`): the same day in every zone, e.g. "November 25, 2026". */
function formatDate(value: string, locale: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return plainSpaces(
    cached(
      `d:${locale}`,
      () => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }),
    ).format(ms),
  );
}

/** An instant, in `timeZone`, e.g. "November 25, 2026 at 2:30 PM UTC". */
function formatDateTime(value: string, locale: string, timeZone: string): string | undefined {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  return plainSpaces(
    cached(
      `t:${locale}:${timeZone}`,
      () =>
        new Intl.DateTimeFormat(locale, {
          year: 'numeric',
          month: 'long',
          day: 'numeric',
          hour: 'numeric',
          minute: '2-digit',
          timeZone,
          timeZoneName: 'short',
        }),
    ).format(ms),
  );
}

/** Anything without a typed rendering: strings as they are, other JSON as JSON text. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A stored (normalized) attribute value as text for people: numbers grouped per locale, DATE
 * as a long calendar date, DATETIME with time and zone, BOOLEAN as Yes/No, MULTI_SELECT joined
 * with ", ", JSON as JSON text; no value (null/undefined) is "". `type` null is an untyped key.
 * A value not of its type's stored form (untyped data, legacy rows) falls back to its text.
 */
export function formatAttributeValue(
  type: AttributeType | null,
  value: unknown,
  options: AttributeFormatOptions = {},
): string {
  if (value === null || value === undefined) return '';
  const locale = options.locale || DEFAULT_LOCALE;
  const timeZone = options.timeZone || DEFAULT_TIME_ZONE;
  switch (type) {
    case 'NUMBER':
      return typeof value === 'number' ? formatNumber(value, locale) : asText(value);
    case 'BOOLEAN':
      return typeof value === 'boolean' ? (value ? 'Yes' : 'No') : asText(value);
    case 'DATE':
      return (typeof value === 'string' && formatDate(value, locale)) || asText(value);
    case 'DATETIME':
      return (
        (typeof value === 'string' && formatDateTime(value, locale, timeZone)) || asText(value)
      );
    case 'MULTI_SELECT':
      return Array.isArray(value) ? value.map(asText).join(', ') : asText(value);
    case 'JSON':
      return JSON.stringify(value);
    default:
      return asText(value);
  }
}
