// The export files: CSV for Swedish Excel (UTF-8 with BOM, `;`) and XLSX (exceljs streaming writer).
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { csvField } from '../audit';
import type { CodedCase } from '../cases';
import type { TermSummary } from './summaries.types';

const BOM = '\uFEFF';
const SEPARATOR = ';';

export const FIGURE_COLUMNS = ['period', 'scope', 'figure', 'value', 'previous', 'change'] as const;
export const CASE_COLUMNS = [
  'code',
  'forum',
  'organisation',
  'ageBand',
  'concerns',
  'urgency',
  'status',
  'outcome',
  'raisedOn',
  'discussedDays',
  'endedOn',
] as const;

export type Header<C extends readonly string[]> = Readonly<Record<C[number], string>>;

/** The figures as rows: each figure now, in the previous period, and the change. */
export function figureRows(summary: TermSummary): (string | number)[][] {
  return summary.changes.map((c) => [
    summary.period,
    summary.scope,
    c.figure,
    c.now,
    c.before,
    c.change,
  ]);
}

/** The coded cases as rows: codes, organisation, age band, concerns, outcome and dates. Never text. */
export function caseRows(cases: readonly CodedCase[]): (string | number)[][] {
  return cases.map((c) => [
    c.code,
    c.forumId,
    c.organisation,
    c.ageBand,
    c.concerns.join(','),
    c.urgency,
    c.status,
    c.outcome,
    c.raisedOn,
    c.discussedDays ?? '',
    c.endedOn,
  ]);
}

/** Rows as CSV for Swedish Excel: BOM, `;`, header row, CRLF, formulas defused. */
export function toCsv(header: readonly string[], rows: readonly (string | number)[][]): string {
  const line = (values: readonly (string | number)[]) =>
    values
      .map((v) => (typeof v === 'number' ? String(v).replace('.', ',') : csvField(v)))
      .join(SEPARATOR);
  return `${BOM}${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}

/** Both tables as one workbook, written with exceljs' streaming writer (rows committed as written). */
export async function toXlsx(
  sheets: readonly {
    name: string;
    header: readonly string[];
    rows: readonly (string | number)[][];
  }[],
): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: false,
    useSharedStrings: false,
  });
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name.slice(0, 31));
    ws.addRow([...sheet.header]).commit();
    for (const row of sheet.rows) ws.addRow([...row]).commit();
    ws.commit();
  }
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}
