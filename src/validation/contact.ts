import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { checkAttributes } from './attributes.js';
import { normalizePhone } from './phone.js';

/**
 * Contact input as a mutation receives it: `undefined` = not given (keep), `null` = clear.
 * Global IDs are already decoded by the resolver.
 */
export type ContactInput = {
  externalId?: string | null;
  name?: string | null;
  givenName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  avatarUrl?: string | null;
  timezone?: string | null;
  location?: string | null;
  countryCode?: string | null;
  blocked?: boolean | null;
  customAttributes?: Record<string, unknown> | null;
};

/** Normalized values, ready to write; keys absent from the input are absent here. */
export type ContactFields = Omit<ContactInput, 'blocked'> & { blocked?: boolean };

// Empty (after trimming) means "not given", as a form's blank field does.
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((v) => (v === '' ? undefined : v));

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const FIELDS = {
  externalId: z
    .string()
    .trim()
    .max(255, 'must be at most 255 characters')
    .regex(/^[\x21-\x7E]*$/, 'may only use printable ASCII characters without spaces')
    .transform((v) => (v === '' ? undefined : v)),
  name: text(255),
  givenName: text(255),
  middleName: text(255),
  lastName: text(255),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(
      z.email('is not a valid email address').max(320, 'must be at most 320 characters').optional(),
    ),
  avatarUrl: z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .max(2048, 'must be at most 2048 characters')
        .optional(),
    ),
  timezone: z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .refine(
      (v) => v === undefined || isTimeZone(v),
      'is not an IANA time zone (e.g. Europe/Paris)',
    ),
  location: text(255),
  countryCode: z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v.toUpperCase()))
    .refine(
      (v) => v === undefined || /^[A-Z]{2}$/.test(v),
      'must be an ISO 3166-1 alpha-2 code (e.g. FR)',
    ),
} as const;

type Mode = 'create' | 'update';

/**
 * Validates and normalizes contact input at the API boundary: every problem is reported with
 * its path (under `prefix`), and nothing is written unless the list is empty.
 */
export function parseContactInput(
  input: ContactInput,
  options: { mode: Mode; phoneRegion?: string | null; prefix?: string[] },
): { fields: ContactFields; errors: FieldError[] } {
  const prefix = options.prefix ?? [];
  const fields: ContactFields = {};
  const errors: FieldError[] = [];
  for (const [key, schema] of Object.entries(FIELDS) as [keyof typeof FIELDS, z.ZodType][]) {
    const value = input[key];
    if (value === undefined) continue;
    if (value === null) {
      if (options.mode === 'update') fields[key] = null;
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      errors.push({
        path: [...prefix, key],
        message: parsed.error.issues[0]?.message ?? 'is invalid',
      });
    } else if (parsed.data !== undefined) {
      fields[key] = parsed.data as string;
    }
  }
  if (input.phone != null) {
    const trimmed = input.phone.trim();
    if (trimmed !== '') {
      const phone = normalizePhone(trimmed, options.phoneRegion);
      if (phone) fields.phone = phone;
      else {
        errors.push({
          path: [...prefix, 'phone'],
          message: options.phoneRegion
            ? 'is not a phone number that can be read'
            : 'is not a phone number that can be read; include the country code (e.g. +33 …)',
        });
      }
    }
  } else if (input.phone === null && options.mode === 'update') {
    fields.phone = null;
  }
  if (input.blocked === null) {
    errors.push({ path: [...prefix, 'blocked'], message: 'cannot be null; use true or false' });
  } else if (input.blocked !== undefined) {
    fields.blocked = input.blocked;
  }
  if (input.customAttributes === null) {
    if (options.mode === 'update') fields.customAttributes = null;
  } else if (input.customAttributes !== undefined) {
    const problems = checkAttributes(input.customAttributes, [...prefix, 'customAttributes']);
    errors.push(...problems);
    if (problems.length === 0) fields.customAttributes = input.customAttributes;
  }
  return { fields, errors };
}
