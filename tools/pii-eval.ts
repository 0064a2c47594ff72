/**
 * Evaluates the anonymity gate against a labelled corpus.
 *   npx tsx tools/pii-eval.ts [--corpus FILE] [--units FILE]
 * (defaults: test/pii/corpus.jsonl, and the units of UNITS_FILE's default, env/units.json)
 * Prints a per-type table, the misses, false alarms and warnings, the median time per sentence,
 * and as the last line:
 *   sentences=<n> recall_ids=<r> recall_names=<r> recall_addresses=<r> recall_dates=<r>
 *   false_alarm_rate=<r> warn_recall=<r> warn_false_alarm_rate=<r>
 * "Clean" for false_alarm_rate means no direct identifier labelled (a "quasi" sentence is clean
 * of direct identifiers); warn_recall is over "quasi" sentences, warn_false_alarm_rate over the rest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { unitNames, unitsFileSchema } from '../src/config/config';
import { createGate } from '../src/capabilities/anonymity/anonymity.gate';
import type { CheckOutcome, CorpusEntry } from '../src/capabilities/anonymity/anonymity.eval';
import {
  CorpusFormatError,
  evaluate,
  median,
  parseCorpus,
  summaryLine,
} from '../src/capabilities/anonymity/anonymity.eval';
import { IDENTIFIER_TYPES } from '../src/capabilities/anonymity/anonymity.types';

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(`--${name}=`.length);
  if (i >= 0) {
    const value = argv[i + 1];
    if (!value) throw new Error(`--${name} needs a file name`);
    return value;
  }
  return fallback;
}

function main(): number {
  let file: string;
  let entries: CorpusEntry[];
  let units: string[];
  try {
    const argv = process.argv.slice(2);
    file = option(argv, 'corpus', path.join('test', 'pii', 'corpus.jsonl'));
    entries = parseCorpus(readFileSync(file, 'utf8'));
    const unitsFile = option(argv, 'units', path.join('env', 'units.json'));
    units = unitNames(unitsFileSchema.parse(JSON.parse(readFileSync(unitsFile, 'utf8'))));
  } catch (err) {
    const msg = err instanceof CorpusFormatError ? err.message : `error: ${(err as Error).message}`;
    console.error(msg);
    return 1;
  }

  const gate = createGate({ units });
  const check = (text: string): CheckOutcome => gate.check(text);
  // One untimed pass first (it loads whatever the gate loads once), then one timed pass.
  const firstStart = performance.now();
  for (const e of entries) check(e.text);
  const firstPassMs = performance.now() - firstStart;
  const micros: number[] = [];
  const report = evaluate(entries, (text) => {
    const t0 = performance.now();
    const result = check(text);
    micros.push((performance.now() - t0) * 1000);
    return result;
  });
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
    `quasi         ${String(report.quasiSentences).padStart(8)}  ${String(report.warned).padStart(8)}  ${report.warnRecall.toFixed(3)}  (warned)`,
  );
  console.log(
    `clean         ${String(report.cleanSentences).padStart(8)}  flagged ${report.falseAlarms}`,
  );
  console.log(
    `not quasi     ${String(report.notQuasiSentences).padStart(8)}  warned ${report.warnFalseAlarms}`,
  );

  for (const t of IDENTIFIER_TYPES) {
    for (const line of report.perType[t].missed) {
      console.log(`miss ${t} line ${line}: ${byLine.get(line) ?? ''}`);
    }
  }
  for (const line of report.warnMissedLines) {
    console.log(`miss quasi (no warning) line ${line}: ${byLine.get(line) ?? ''}`);
  }
  for (const line of report.falseAlarmLines) {
    const text = byLine.get(line) ?? '';
    const types = [...new Set(check(text).findings.map((f) => f.type))].join(',');
    console.log(`false alarm (${types}) line ${line}: ${text}`);
  }
  for (const line of report.warnFalseAlarmLines) {
    console.log(`false warning line ${line}: ${byLine.get(line) ?? ''}`);
  }
  console.log(
    `median_us_per_sentence=${median(micros).toFixed(1)} ` +
      `first_pass_ms=${firstPassMs.toFixed(0)} (the first pass includes one-time loading)`,
  );
  console.log(summaryLine(report));
  return 0;
}

process.exitCode = main();
