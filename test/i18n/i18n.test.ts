import { describe, expect, it } from 'vitest';
import { catalogue, localeFrom, placeholders, translate } from '../../src/i18n/i18n';

describe('texts', () => {
  it('has the same keys and the same placeholders in Swedish and English', () => {
    const sv = catalogue('sv');
    const en = catalogue('en');
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    for (const key of Object.keys(sv) as (keyof typeof sv)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(sv[key]));
      expect(sv[key].trim(), key).not.toBe('');
    }
  });

  it('chooses Swedish unless the Teams locale is English', () => {
    expect(localeFrom(undefined)).toBe('sv');
    expect(localeFrom('sv-SE')).toBe('sv');
    expect(localeFrom('fi-FI')).toBe('sv');
    expect(localeFrom('en-US')).toBe('en');
    expect(localeFrom('EN-gb')).toBe('en');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('sv', 'error.unexpected', { correlationId: 'AB12CD34' })).toContain(
      'AB12CD34',
    );
    expect(translate('en', 'roles.granted', { user: 'Anna' })).toBe(
      'Anna now has the role {role}.',
    );
  });
});
