import type { Locale } from '../i18n/i18n';

export interface Organisation {
  code: string;
  name: Readonly<Record<Locale, string>>;
}

/** The municipality's organisations (configuration, not code). */
export interface OrganisationDirectory {
  all(): readonly Organisation[];
  codes(): readonly string[];
  name(code: string, locale: Locale): string;
}

export function organisationDirectory(orgs: readonly Organisation[]): OrganisationDirectory {
  const byCode = new Map(orgs.map((o) => [o.code, o]));
  return {
    all: () => orgs,
    codes: () => orgs.map((o) => o.code),
    name: (code, locale) => byCode.get(code)?.name[locale] ?? code,
  };
}
