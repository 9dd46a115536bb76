import type { FieldError } from '../errors.js';

/**
 * The `name` of a create or update input: required when creating, never null; trimmed, not
 * empty, at most `max` characters. Undefined when absent or refused (the error says which).
 */
export function parseName(
  value: string | null | undefined,
  creating: boolean,
  max: number,
  errors: FieldError[],
): string | undefined {
  if (value === null || (value === undefined && creating)) {
    errors.push({ path: ['name'], message: 'is required' });
    return undefined;
  }
  if (value === undefined) return undefined;
  const name = value.trim();
  if (name === '') errors.push({ path: ['name'], message: 'cannot be empty' });
  else if (name.length > max) {
    errors.push({ path: ['name'], message: `must be at most ${max} characters` });
  } else return name;
  return undefined;
}

/**
 * An optional `description`: trimmed, blank means none, at most `max` characters; `null` clears
 * it on update. Undefined: leave it as it is.
 */
export function parseDescription(
  value: string | null | undefined,
  creating: boolean,
  max: number,
  errors: FieldError[],
): string | null | undefined {
  if (value === null) return creating ? undefined : null;
  if (value === undefined) return undefined;
  const description = value.trim();
  if (description.length > max) {
    errors.push({ path: ['description'], message: `must be at most ${max} characters` });
    return undefined;
  }
  return description === '' ? null : description;
}
