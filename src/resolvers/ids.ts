import { parseGlobalId } from '../global-id.js';

/** Global IDs of one type → local ids, naming the argument path on a bad one. */
export function localIds(ids: readonly string[], typename: string, argument: string): string[] {
  return ids.map((id, i) => parseGlobalId(id, typename, `${argument}[${i}]`));
}

export function localId(id: string, typename: string, argument: string): string {
  return parseGlobalId(id, typename, argument);
}
