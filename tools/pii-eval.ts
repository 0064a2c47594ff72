/**
 * Evaluates the anonymity gate against a labelled corpus.
 *   npx tsx tools/pii-eval.ts [--corpus FILE]      (default: test/pii/corpus.jsonl)
 * Prints a per-type table, the misses and false alarms, and as the last line:
 *   sentences=<n> recall_ids=<r> recall_names=<r> recall_addresses=<r> recall_dates=<r> false_alarm_rate=<r>
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkText } from '../src/capabilities/anonymity/anonymity.gate';
import type { CorpusEntry } from '../src/capabilities/anonymity/anonymity.eval';
import {
  CorpusFormatError,
  evaluate,
  parseCorpus,
  summaryLine,
} from '../src/capabilities/anonymity/anonymity.eval';
import { IDENTIFIER_TYPES } from '../src/capabilities/anonymity/anonymity.types';

function corpusPath(argv: string[]): string {
  const i = argv.indexOf('--corpus');
  const eq = argv.find((a) => a.startsWith('--corpus='));
  if (eq) return eq.slice('--corpus='.length);
  if (i >= 0) {
    const value = argv[i + 1];
    if (!value) throw new Error('--corpus needs a file name');
    return value;
  }
  return path.join('test', 'pii', 'corpus.jsonl');
}

function main(): number {
  let file: string;
  let entries: CorpusEntry[];
  try {
    file = corpusPath(process.argv.slice(2));
    entries = parseCorpus(readFileSync(file, 'utf8'));
  } catch (err) {
    const msg = err instanceof CorpusFormatError ? err.message : `error: ${(err as Error).message}`;
    console.error(msg);
    return 1;
  }

  const report = evaluate(entries, checkText);
  const byLine = new Map(entries.map((e) => [e.line, e.text]));

  console.log(`corpus: ${file}`);
  console.log('type          labelled  detected  recall');
  for (const t of IDENTIFIER_TYPES) {
    const s = report.perType[t];
    console.log(
      `${t.padEnd(13)} ${String(s.labelled).padStart(8)}  ${String(s.detected).padStart(8)}  ${s.recall.toFixed(3)}`,
    );
  }
  console.log(
    `clean         ${String(report.cleanSentences).padStart(8)}  flagged ${report.falseAlarms}`,
  );

  for (const t of IDENTIFIER_TYPES) {
    for (const line of report.perType[t].missed) {
      console.log(`miss ${t} line ${line}: ${byLine.get(line) ?? ''}`);
    }
  }
  for (const line of report.falseAlarmLines) {
    const text = byLine.get(line) ?? '';
    const types = [...new Set(checkText(text).findings.map((f) => f.type))].join(',');
    console.log(`false alarm (${types}) line ${line}: ${text}`);
  }
  console.log(summaryLine(report));
  return 0;
}

process.exitCode = main();
