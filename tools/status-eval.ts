// Scores the status-question parser on a JSONL batch: exact-match accuracy per field and for the
// whole parse. `npm run status:eval [-- FILE]` (default: the blind batch).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseStatusQuestion, type StatusQuery } from '../src/capabilities/summaries';
import calendar from '../env/calendar.json';

interface Row {
  text: string;
  now: string;
  expect: StatusQuery;
}

const FIELDS = ['intent', 'forum', 'org', 'period', 'compare', 'filter'] as const;

export function scoreBatch(file: string, root = path.resolve(__dirname, '..')) {
  const context = JSON.parse(readFileSync(file.replace(/\.jsonl$/, '.context.json'), 'utf8')) as {
    forums: { id: string; name: string }[];
  };
  const organisations = JSON.parse(
    readFileSync(path.join(root, 'env/organisations.json'), 'utf8'),
  ) as { code: string; name: Record<string, string> }[];
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
  const right: Record<string, number> = { all: 0 };
  const misses: string[] = [];
  for (const row of rows) {
    const got = parseStatusQuestion(row.text, {
      today: row.now,
      calendar: calendar as never,
      forums: context.forums,
      organisations,
    });
    const wrong = FIELDS.filter((f) => got[f] !== row.expect[f]);
    for (const f of FIELDS) if (!wrong.includes(f)) right[f] = (right[f] ?? 0) + 1;
    if (wrong.length === 0) right.all = (right.all ?? 0) + 1;
    else
      misses.push(
        `${JSON.stringify(row.text)}: ${wrong.map((f) => `${f}=${String(got[f])} (want ${String(row.expect[f])})`).join(', ')}`,
      );
  }
  const pct = (n = 0) => ((100 * n) / rows.length).toFixed(1);
  const summary = `phrasings=${rows.length} ${FIELDS.map((f) => `${f}=${pct(right[f])}%`).join(' ')} all_fields=${pct(right.all)}%`;
  return { summary, misses, rows: rows.length, allFields: (right.all ?? 0) / rows.length };
}

if (require.main === module) {
  const file = process.argv[2] ?? path.resolve(__dirname, '../test/status/blind-2026-11.jsonl');
  const { summary, misses } = scoreBatch(file);
  for (const m of misses) process.stdout.write(`miss ${m}\n`);
  process.stdout.write(`${summary}\n`);
}
