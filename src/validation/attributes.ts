import type { FieldError } from '../errors.js';

/** Limits from API.md: at most 100 keys, nesting depth 5, 64 KB serialized. */
export const ATTRIBUTE_LIMITS = { keys: 100, depth: 5, bytes: 64 * 1024 } as const;
export const ATTRIBUTE_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') {
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  }
  return 0;
}

/**
 * Checks a custom-attributes object. `null` values are kept: on create they are dropped, on
 * update they remove the key (JSON merge patch), so the caller decides.
 */
export function checkAttributes(value: unknown, path: string[]): FieldError[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ path, message: 'must be a JSON object' }];
  }
  const errors: FieldError[] = [];
  const keys = Object.keys(value);
  if (keys.length > ATTRIBUTE_LIMITS.keys) {
    errors.push({
      path,
      message: `has ${keys.length} keys; at most ${ATTRIBUTE_LIMITS.keys} are allowed`,
    });
  }
  for (const key of keys) {
    if (!ATTRIBUTE_KEY.test(key)) {
      errors.push({
        path: [...path, key],
        message: 'is not a valid key: use 1-100 letters, digits, "_", "." or "-"',
      });
    }
  }
  if (depthOf(value) > ATTRIBUTE_LIMITS.depth) {
    errors.push({ path, message: `nests deeper than ${ATTRIBUTE_LIMITS.depth} levels` });
  }
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > ATTRIBUTE_LIMITS.bytes) {
    errors.push({
      path,
      message: `is ${bytes} bytes serialized; at most ${ATTRIBUTE_LIMITS.bytes} are allowed`,
    });
  }
  return errors;
}
