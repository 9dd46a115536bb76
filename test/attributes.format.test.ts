import { describe, expect, it } from 'vitest';
import { formatAttributeValue } from '../src/validation/attribute-format.js';

/**
 * Display values of stored attribute values (Contact.attributes.displayValue, templates): the
 * same text on every Node version, per locale and time zone where they matter.
 */
describe('formatAttributeValue', () => {
  it('formats each type by default in en-US and UTC', () => {
    expect(formatAttributeValue('NUMBER', 1234567.891)).toBe('1,234,567.891');
    expect(formatAttributeValue('NUMBER', -0.5)).toBe('-0.5');
    expect(formatAttributeValue('DATE', '2026-11-25')).toBe('November 25, 2026');
    expect(formatAttributeValue('DATETIME', '2026-11-25T14:30:00.000Z')).toBe(
      'November 25, 2026 at 2:30 PM UTC',
    );
    expect(formatAttributeValue('BOOLEAN', true)).toBe('Yes');
    expect(formatAttributeValue('BOOLEAN', false)).toBe('No');
    expect(formatAttributeValue('MULTI_SELECT', ['red', 'blue'])).toBe('red, blue');
    expect(formatAttributeValue('JSON', { a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(formatAttributeValue('JSON', 'text')).toBe('"text"');
    expect(formatAttributeValue('TEXT', 'hello')).toBe('hello');
    expect(formatAttributeValue('LIST', 'Pro')).toBe('Pro');
    expect(formatAttributeValue('PHONE', '+33123456789')).toBe('+33123456789');
  });

  it('formats no value as an empty string', () => {
    for (const type of ['TEXT', 'NUMBER', 'DATE', 'JSON', null] as const) {
      expect(formatAttributeValue(type, null)).toBe('');
      expect(formatAttributeValue(type, undefined)).toBe('');
    }
  });

  it('follows the locale and time zone given', () => {
    expect(formatAttributeValue('NUMBER', 1234.5, { locale: 'de-DE' })).toBe('1.234,5');
    expect(formatAttributeValue('DATE', '2026-11-25', { locale: 'fr-FR' })).toBe(
      '25 novembre 2026',
    );
    // A calendar day is the same day in every zone.
    expect(formatAttributeValue('DATE', '2026-11-25', { timeZone: 'Pacific/Kiritimati' })).toBe(
      'November 25, 2026',
    );
    expect(
      formatAttributeValue('DATETIME', '2026-11-25T23:30:00.000Z', { timeZone: 'Asia/Tokyo' }),
    ).toBe('November 26, 2026 at 8:30 AM GMT+9');
  });

  it('falls back to text for values not in their type’s stored form', () => {
    expect(formatAttributeValue('NUMBER', '42')).toBe('42');
    expect(formatAttributeValue('DATE', 'someday')).toBe('someday');
    expect(formatAttributeValue('BOOLEAN', 'yes')).toBe('yes');
    expect(formatAttributeValue(null, 42)).toBe('42');
    expect(formatAttributeValue(null, { a: 1 })).toBe('{"a":1}');
  });

  it('throws a RangeError for an invalid locale or time zone', () => {
    expect(() => formatAttributeValue('NUMBER', 1, { locale: 'not a locale!' })).toThrow(
      RangeError,
    );
    expect(() =>
      formatAttributeValue('DATETIME', '2026-11-25T00:00:00.000Z', { timeZone: 'Mars/Base' }),
    ).toThrow(RangeError);
  });
});
