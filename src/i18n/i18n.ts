import en from './en.json';
import sv from './sv.json';

export const LOCALES = ['sv', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof typeof sv;

const catalogues: Record<Locale, Record<MessageKey, string>> = { sv, en };

/** Swedish unless the Teams locale is English (`en`, `en-US`, `en-GB` …). */
export function localeFrom(teamsLocale: string | undefined): Locale {
  return teamsLocale?.toLowerCase().startsWith('en') ? 'en' : 'sv';
}

export type Translate = (
  key: MessageKey,
  params?: Readonly<Record<string, string | number>>,
) => string;

export function translate(
  locale: Locale,
  key: MessageKey,
  params: Readonly<Record<string, string | number>> = {},
): string {
  const template = catalogues[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export const translator =
  (locale: Locale): Translate =>
  (key, params) =>
    translate(locale, key, params);

/** The placeholders a message uses; a test checks that both languages agree. */
export const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

export const catalogue = (locale: Locale): Readonly<Record<MessageKey, string>> =>
  catalogues[locale];
