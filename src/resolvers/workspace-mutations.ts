import { getCountries } from 'libphonenumber-js';
import type { Context } from '../context.js';
import type { UnknownAttributesPolicy } from '../db/schema.js';
import type { FieldError } from '../errors.js';
import { throwIfInvalid } from './write-errors.js';

const REGIONS = new Set<string>(getCountries());

/**
 * Name, the default phone region (numbers without a country code are read in it) and what
 * contact writes do with custom attribute keys that have no definition.
 */
export async function updateWorkspace(
  ctx: Context,
  input: {
    name?: string | null;
    defaultPhoneRegion?: string | null;
    unknownAttributes?: UnknownAttributesPolicy | null;
  },
) {
  const errors: FieldError[] = [];
  const patch: {
    name?: string;
    defaultPhoneRegion?: string | null;
    unknownAttributes?: UnknownAttributesPolicy;
  } = {};
  if (input.name === null) errors.push({ path: ['name'], message: 'cannot be null' });
  else if (input.name !== undefined) {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 200)
      errors.push({ path: ['name'], message: 'must be 1-200 characters' });
    else patch.name = name;
  }
  if (input.defaultPhoneRegion === null) patch.defaultPhoneRegion = null;
  else if (input.defaultPhoneRegion !== undefined) {
    const region = input.defaultPhoneRegion.trim().toUpperCase();
    if (!REGIONS.has(region)) {
      errors.push({
        path: ['defaultPhoneRegion'],
        message: 'is not a country code with a phone numbering plan (e.g. FR)',
      });
    } else patch.defaultPhoneRegion = region;
  }
  if (input.unknownAttributes === null) {
    errors.push({ path: ['unknownAttributes'], message: 'cannot be null; use STORE or REJECT' });
  } else if (input.unknownAttributes !== undefined) {
    patch.unknownAttributes = input.unknownAttributes;
  }
  throwIfInvalid(errors);
  const workspace = await ctx.db.updateWorkspace(patch);
  if (!workspace) throw new Error('The key’s workspace no longer exists');
  return { workspace };
}
