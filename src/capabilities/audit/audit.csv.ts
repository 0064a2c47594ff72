import type { AuditEntry } from '../../core/audit';

/** The columns of an export, in order: only the entry's structured fields, never free text. */
export const CSV_COLUMNS = [
  'time',
  'actorId',
  'actorName',
  'roles',
  'action',
  'target',
  'detail',
  'correlationId',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** The byte order mark Excel needs to read UTF-8. */
export const BOM = '\uFEFF';
/** Swedish Excel's list separator. */
export const SEPARATOR = ';';

/**
 * One field as Excel reads it: quoted when it holds the separator, a quote, a line break or
 * leading/trailing space (quotes doubled); a value that a spreadsheet would take for a formula
 * (`=`, `+`, `-`, `@` first) is prefixed with `'`, so a display name cannot run in Excel.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && value.length > 1 ? `'${value}` : value;
  return /[;"\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const detailText = (detail: AuditEntry['detail']): string =>
  Object.entries(detail ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');

export interface CsvOptions {
  /** The header row's titles, by column (the admin's language). */
  header: Readonly<Record<CsvColumn, string>>;
  /** The entry's time as the reader sees it (Europe/Stockholm). */
  time: (at: Date) => string;
  /** Display name of an actor id ('' when unknown). */
  name: (actorId: string) => string;
}

/** The entries as CSV for Swedish Excel: BOM, `;`, a header row, CRLF line ends. */
export function auditCsv(entries: readonly AuditEntry[], o: CsvOptions): string {
  const row = (values: readonly string[]) => values.map(csvField).join(SEPARATOR);
  const lines = [row(CSV_COLUMNS.map((c) => o.header[c]))];
  for (const e of entries) {
    const values: Record<CsvColumn, string> = {
      time: o.time(e.at),
      actorId: e.actorId,
      actorName: o.name(e.actorId),
      roles: (e.roles ?? []).join(' '),
      action: e.action,
      target: e.target,
      detail: detailText(e.detail),
      correlationId: e.correlationId ?? '',
    };
    lines.push(row(CSV_COLUMNS.map((c) => values[c])));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
