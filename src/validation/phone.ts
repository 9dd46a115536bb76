import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * E.164 form of a phone number, or undefined when it cannot be read as a possible number.
 * Numbers without a country code need `defaultRegion` (the workspace's).
 */
export function normalizePhone(input: string, defaultRegion?: string | null): string | undefined {
  const parsed = parsePhoneNumberFromString(
    input.trim(),
    (defaultRegion ?? undefined) as CountryCode | undefined,
  );
  if (!parsed?.isPossible()) return undefined;
  return parsed.number;
}
