/**
 * The path of the first string (or object key) holding a NUL character, which PostgreSQL text
 * and jsonb cannot store: such input is always a client mistake.
 */
export function findNulCharacter(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findNulCharacter(item, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      const found = key.includes('\u0000') ? itemPath : findNulCharacter(item, itemPath);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
