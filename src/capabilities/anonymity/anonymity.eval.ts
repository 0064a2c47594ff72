/**
 * Evaluation of the anonymity gate against a labelled corpus (pure: no I/O, no logging).
 * The corpus is JSON Lines: {"text": "...", "types": ["personnummer", ...]}; empty types = clean.
 * The label "quasi" marks a text that identifies a child by a combination (a named school, a
 * class, a rare detail …) without any single direct identifier: the gate should WARN on it.
 */
import { z } from 'zod';
import type { IdentifierType } from './anonymity.types';
import { IDENTIFIER_TYPES } from './anonymity.types';

/** A corpus label: a direct identifier type, or "quasi" (an identifying combination). */
export type CorpusLabel = IdentifierType | 'quasi';

export const corpusEntrySchema = z.object({
  text: z.string().min(1),
  types: z.array(
    z.enum(['personnummer', 'phone', 'email', 'address', 'postcode', 'birthdate', 'name', 'quasi']),
  ),
});

/** What the evaluation needs from a gate check: the hard findings' types and any warnings. */
export interface CheckOutcome {
  findings: readonly { type: IdentifierType }[];
  warnings?: readonly unknown[];
}

export interface CorpusEntry {
  text: string;
  types: CorpusLabel[];
  /** 1-based line number in the corpus file, when known. */
  line?: number;
}

export class CorpusFormatError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`corpus line ${line}: ${detail}`);
    this.name = 'CorpusFormatError';
  }
}

/** Parses JSON Lines; blank lines are skipped. Throws CorpusFormatError naming the line. */
export function parseCorpus(content: string): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  content.split(/\r?\n/).forEach((raw, idx) => {
    const line = idx + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new CorpusFormatError(line, `invalid JSON (${(err as Error).message})`);
    }
    const parsed = corpusEntrySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw new CorpusFormatError(line, `${where}${issue?.message ?? 'invalid entry'}`);
    }
    entries.push({ text: parsed.data.text, types: parsed.data.types, line });
  });
  return entries;
}

export interface TypeStats {
  /** Sentences labelled with this type. */
  labelled: number;
  /** Of those, sentences where the gate reported this type. */
  detected: number;
  recall: number;
  /** Line numbers (or 1-based positions) of labelled sentences where the type was missed. */
  missed: number[];
}

export interface EvalReport {
  sentences: number;
  perType: Record<IdentifierType, TypeStats>;
  recallIds: number;
  recallNames: number;
  recallAddresses: number;
  recallDates: number;
  /** Sentences with no direct identifier labelled (empty types, or only "quasi"). */
  cleanSentences: number;
  falseAlarms: number;
  falseAlarmRate: number;
  /** Line numbers of clean sentences the gate flagged with a direct identifier. */
  falseAlarmLines: number[];
  /** Sentences labelled "quasi", and of those the ones the gate warned on. */
  quasiSentences: number;
  warned: number;
  warnRecall: number;
  /** Line numbers of "quasi" sentences without a warning. */
  warnMissedLines: number[];
  /** Sentences not labelled "quasi", and of those the ones the gate warned on. */
  notQuasiSentences: number;
  warnFalseAlarms: number;
  warnFalseAlarmRate: number;
  warnFalseAlarmLines: number[];
}

export const METRIC_GROUPS = {
  ids: ['personnummer', 'phone', 'email'],
  names: ['name'],
  addresses: ['address', 'postcode'],
  dates: ['birthdate'],
} as const satisfies Record<string, readonly IdentifierType[]>;

/** Share of (sentence, labelled type) pairs of the group that were detected; 1 when none. */
function groupRecall(perType: Record<IdentifierType, TypeStats>, group: readonly IdentifierType[]) {
  const labelled = group.reduce((n, t) => n + perType[t].labelled, 0);
  const detected = group.reduce((n, t) => n + perType[t].detected, 0);
  return labelled === 0 ? 1 : detected / labelled;
}

export function evaluate(
  entries: CorpusEntry[],
  check: (text: string) => CheckOutcome,
): EvalReport {
  const perType = Object.fromEntries(
    IDENTIFIER_TYPES.map((t) => [t, { labelled: 0, detected: 0, recall: 1, missed: [] }]),
  ) as unknown as Record<IdentifierType, TypeStats>;
  let cleanSentences = 0;
  const falseAlarmLines: number[] = [];
  let quasiSentences = 0;
  const warnMissedLines: number[] = [];
  let notQuasiSentences = 0;
  const warnFalseAlarmLines: number[] = [];

  entries.forEach((entry, idx) => {
    const line = entry.line ?? idx + 1;
    const result = check(entry.text);
    const found = new Set(result.findings.map((f) => f.type));
    const warned = (result.warnings?.length ?? 0) > 0;
    const quasi = entry.types.includes('quasi');
    if (quasi) {
      quasiSentences++;
      if (!warned) warnMissedLines.push(line);
    } else {
      notQuasiSentences++;
      if (warned) warnFalseAlarmLines.push(line);
    }
    const labels = new Set(entry.types.filter((t): t is IdentifierType => t !== 'quasi'));
    if (labels.size === 0) {
      cleanSentences++;
      if (result.findings.length > 0) falseAlarmLines.push(line);
      return;
    }
    for (const type of labels) {
      const stats = perType[type];
      stats.labelled++;
      if (found.has(type)) stats.detected++;
      else stats.missed.push(line);
    }
  });

  for (const t of IDENTIFIER_TYPES) {
    const s = perType[t];
    s.recall = s.labelled === 0 ? 1 : s.detected / s.labelled;
  }

  return {
    sentences: entries.length,
    perType,
    recallIds: groupRecall(perType, METRIC_GROUPS.ids),
    recallNames: groupRecall(perType, METRIC_GROUPS.names),
    recallAddresses: groupRecall(perType, METRIC_GROUPS.addresses),
    recallDates: groupRecall(perType, METRIC_GROUPS.dates),
    cleanSentences,
    falseAlarms: falseAlarmLines.length,
    falseAlarmRate: cleanSentences === 0 ? 0 : falseAlarmLines.length / cleanSentences,
    falseAlarmLines,
    quasiSentences,
    warned: quasiSentences - warnMissedLines.length,
    warnRecall:
      quasiSentences === 0 ? 1 : (quasiSentences - warnMissedLines.length) / quasiSentences,
    warnMissedLines,
    notQuasiSentences,
    warnFalseAlarms: warnFalseAlarmLines.length,
    warnFalseAlarmRate:
      notQuasiSentences === 0 ? 0 : warnFalseAlarmLines.length / notQuasiSentences,
    warnFalseAlarmLines,
  };
}

/** The machine-readable summary line printed last by tools/pii-eval.ts. */
export function summaryLine(r: EvalReport): string {
  const f = (n: number): string => n.toFixed(3);
  return (
    `sentences=${r.sentences} recall_ids=${f(r.recallIds)} recall_names=${f(r.recallNames)} ` +
    `recall_addresses=${f(r.recallAddresses)} recall_dates=${f(r.recallDates)} ` +
    `false_alarm_rate=${f(r.falseAlarmRate)} warn_recall=${f(r.warnRecall)} ` +
    `warn_false_alarm_rate=${f(r.warnFalseAlarmRate)}`
  );
}

/** The median of a list of numbers (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
