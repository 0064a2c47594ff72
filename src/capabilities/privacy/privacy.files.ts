import { csvField } from '../audit';
import type { Locale } from '../../i18n/i18n';
import type { PersonReport } from './privacy.service';

/** The report as JSON: every section with its items (ids, codes, dates; never free text). */
export function personJson(report: PersonReport, at: Date): string {
  return `${JSON.stringify(
    {
      userId: report.userId,
      displayName: report.person?.displayName ?? null,
      exportedAt: at.toISOString(),
      sections: Object.fromEntries(report.sections.map((s) => [s.name, s.items])),
    },
    null,
    2,
  )}\n`;
}

/** The report as CSV for Swedish Excel (BOM, `;`): one row per field of each item. */
export function personCsv(report: PersonReport, locale: Locale): string {
  const header =
    locale === 'sv' ? ['Del', 'Post', 'Fält', 'Värde'] : ['Section', 'Record', 'Field', 'Value'];
  const rows = [header];
  for (const s of report.sections)
    s.items.forEach((item, i) => {
      for (const [field, value] of Object.entries(item))
        rows.push([s.label[locale], String(i + 1), field, String(value)]);
    });
  return `\uFEFF${rows.map((r) => r.map(csvField).join(';')).join('\r\n')}\r\n`;
}
