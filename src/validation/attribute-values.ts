import { z } from 'zod';
import type { AttributeType } from '../db/schema.js';
import { normalizePhone } from './phone.js';

/** What a value is checked against: the parts of a definition that decide validity. */
export type AttributeRule = {
  type: AttributeType;
  /** LIST / MULTI_SELECT choices, in display order. */
  options?: readonly string[] | null;
  /** A regular expression a string value must match as a whole. */
  pattern?: string | null;
};

/** `value` null: the input means "no value" (an empty string, an empty selection). */
export type Normalized = { ok: true; value: unknown } | { ok: false; message: string };

export const TEXT_MAX = 10_000;
const URL_MAX = 2048;

const ok = (value: unknown): Normalized => ({ ok: true, value });
const fail = (message: string): Normalized => ({ ok: false, message });

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO 8601 date-time with seconds optional, fraction optional, and a zone (Z or ±hh:mm).
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const email = z.email();

function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Compiles a definition's pattern, anchored to the whole value; throws on a bad pattern. */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

const patterns = new Map<string, RegExp>();
function matches(pattern: string, value: string): boolean {
  let re = patterns.get(pattern);
  if (!re) {
    re = compilePattern(pattern);
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re.test(value);
}

/**
 * Validates one custom attribute value against its type and normalizes it to the stored form:
 * numbers as JSON numbers, DATE as `YYYY-MM-DD`, DATETIME as UTC ISO with milliseconds, emails
 * lower-cased, phones E.164 (numbers without a country code read in `phoneRegion`), URLs in
 * their canonical form, LIST as the option's spelling, MULTI_SELECT in option order without
 * repeats. The same function checks writes, converts values when a definition changes type,
 * and reads filter operands, so a value means the same everywhere.
 */
export function normalizeAttributeValue(
  rule: AttributeRule,
  input: unknown,
  phoneRegion?: string | null,
): Normalized {
  if (input === null || input === undefined) return ok(null);
  const result = byType(rule, input, phoneRegion);
  if (!result.ok || result.value === null || !rule.pattern) return result;
  const strings = Array.isArray(result.value) ? result.value : [result.value];
  for (const s of strings) {
    if (typeof s === 'string' && !matches(rule.pattern, s)) {
      return fail(`does not match the pattern ${rule.pattern}`);
    }
  }
  return result;
}

function asText(input: unknown): string | undefined {
  if (typeof input === 'string') return input.trim();
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  return undefined;
}

function option(options: readonly string[], text: string): string | undefined {
  return (
    options.find((o) => o === text) ?? options.find((o) => o.toLowerCase() === text.toLowerCase())
  );
}

function byType(rule: AttributeRule, input: unknown, phoneRegion?: string | null): Normalized {
  switch (rule.type) {
    case 'TEXT': {
      const text = asText(input);
      if (text === undefined) return fail('must be text');
      if (text.length > TEXT_MAX) return fail(`must be at most ${TEXT_MAX} characters`);
      return ok(text === '' ? null : text);
    }
    case 'NUMBER': {
      if (typeof input === 'number')
        return Number.isFinite(input) ? ok(input) : fail('must be a finite number');
      if (typeof input === 'string') {
        const text = input.trim();
        if (text === '') return ok(null);
        const n = Number(text);
        if (NUMBER.test(text) && Number.isFinite(n)) return ok(n);
      }
      return fail('must be a number');
    }
    case 'BOOLEAN': {
      if (typeof input === 'boolean') return ok(input);
      const text = asText(input)?.toLowerCase();
      if (text === '') return ok(null);
      if (text === 'true' || text === 'yes' || text === '1') return ok(true);
      if (text === 'false' || text === 'no' || text === '0') return ok(false);
      return fail('must be true or false');
    }
    case 'DATE': {
      if (typeof input === 'number') return dateFromTime(input);
      if (typeof input !== 'string') return fail('must be a date (YYYY-MM-DD)');
      const text = input.trim();
      if (text === '') return ok(null);
      if (isCalendarDate(text)) return ok(text);
      // A date-time keeps the calendar day it was written with.
      if (DATETIME.test(text) && !Number.isNaN(Date.parse(text))) {
        const day = text.slice(0, 10);
        if (isCalendarDate(day)) return ok(day);
      }
      return fail('must be a date (YYYY-MM-DD)');
    }
    case 'DATETIME': {
      if (typeof input === 'number') return dateTimeFromTime(input);
      if (typeof input !== 'string') return fail('must be an ISO 8601 date-time with a time zone');
      const text = input.trim();
      if (text === '') return ok(null);
      if (isCalendarDate(text)) return ok(`${text}T00:00:00.000Z`);
      if (DATETIME.test(text) && isCalendarDate(text.slice(0, 10))) {
        return dateTimeFromTime(Date.parse(text));
      }
      return fail('must be an ISO 8601 date-time with a time zone (e.g. 2026-11-25T14:30:00Z)');
    }
    case 'LIST': {
      const text = asText(input);
      if (text === '') return ok(null);
      const found = text === undefined ? undefined : option(rule.options ?? [], text);
      return found === undefined
        ? fail(`must be one of: ${(rule.options ?? []).join(', ')}`)
        : ok(found);
    }
    case 'MULTI_SELECT': {
      const items = Array.isArray(input) ? input : [input];
      const chosen = new Set<string>();
      for (const item of items) {
        const text = asText(item);
        const found = text === undefined ? undefined : option(rule.options ?? [], text);
        if (found === undefined) {
          return fail(`must be a list of: ${(rule.options ?? []).join(', ')}`);
        }
        chosen.add(found);
      }
      if (chosen.size === 0) return ok(null);
      return ok((rule.options ?? []).filter((o) => chosen.has(o)));
    }
    case 'URL': {
      const text = asText(input);
      if (text === '') return ok(null);
      try {
        const url = new URL(text ?? '');
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
        if (url.href.length > URL_MAX) return fail(`must be at most ${URL_MAX} characters`);
        return ok(url.href);
      } catch {
        return fail('must be an http(s) URL');
      }
    }
    case 'EMAIL': {
      if (typeof input !== 'string') return fail('must be an email address');
      const text = input.trim().toLowerCase();
      if (text === '') return ok(null);
      return email.safeParse(text).success && text.length <= 320
        ? ok(text)
        : fail('is not a valid email address');
    }
    case 'PHONE': {
      const text = asText(input);
      if (text === '') return ok(null);
      const phone = text === undefined ? undefined : normalizePhone(text, phoneRegion);
      if (phone) return ok(phone);
      return fail(
        phoneRegion
          ? 'is not a phone number that can be read'
          : 'is not a phone number that can be read; include the country code (e.g. +33 …)',
      );
    }
    case 'JSON':
      return ok(input);
  }
}

function dateFromTime(ms: number): Normalized {
  const d = new Date(ms);
  return Number.isNaN(d.getTime())
    ? fail('must be a date (YYYY-MM-DD)')
    : ok(d.toISOString().slice(0, 10));
}

function dateTimeFromTime(ms: number): Normalized {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999) {
    return fail('must be an ISO 8601 date-time with a time zone');
  }
  return ok(d.toISOString());
}
