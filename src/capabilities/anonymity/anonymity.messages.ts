/**
 * What the gate found, in plain words: the field's label, the kind of identifier and where, as a
 * sentence position ("i andra meningen" / "in the second sentence"), never character offsets.
 * One place for every form that shows gate results.
 */
import type { MessageKey, Translate } from '../../i18n/i18n';
import type { FieldFinding, FieldReview, FieldWarning } from './anonymity.fields';
import type { QuasiSignal } from './anonymity.types';

const ORDINALS = 10;

/** "första meningen" … / "the second sentence"; several: "första och tredje meningen". */
export function where(t: Translate, sentences: readonly number[]): string {
  const sorted = [...new Set(sentences)].sort((a, b) => a - b);
  if (sorted.some((n) => n > ORDINALS)) {
    return t('gate.where.numbered', { numbers: list(t, sorted.map(String)) });
  }
  const ordinals = sorted.map((n) => t(`gate.ordinal.${n}` as MessageKey));
  return sorted.length === 1
    ? t('gate.where.one', { ordinal: ordinals[0] ?? '' })
    : t('gate.where.many', { ordinals: list(t, ordinals) });
}

/** "a, b och c" / "a, b and c". */
export function list(t: Translate, items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${t('gate.and')} ${items[items.length - 1] ?? ''}`;
}

export const signalsText = (t: Translate, signals: readonly QuasiSignal[]): string =>
  list(
    t,
    signals.map((s) => t(`gate.signal.${s}`)),
  );

/** "ett namn i andra meningen" / "a name in the second sentence". */
export const findingText = (t: Translate, f: FieldFinding): string =>
  t('gate.findingIn', { what: t(`gate.found.${f.type}`), where: where(t, [f.sentence]) });

/** "en namngiven skola …, en klass … i första meningen". */
export const warningText = (t: Translate, w: FieldWarning): string =>
  t('gate.findingIn', { what: signalsText(t, w.signals), where: where(t, w.sentences) });

/**
 * Every finding and warning, one line each, named by its field's label: for a form's status
 * area or a single error text. Direct identifiers first.
 */
export function reviewLines(
  t: Translate,
  review: FieldReview,
  label: (field: string) => string,
): string[] {
  return [
    ...review.findings.map((f) =>
      t('gate.fieldFinding', { field: label(f.field), finding: findingText(t, f) }),
    ),
    ...review.warnings.map((w) =>
      t('gate.fieldWarning', { field: label(w.field), finding: warningText(t, w) }),
    ),
  ];
}

/** The lines to show under one field: each of its findings and warnings. */
export function fieldNotes(t: Translate, review: FieldReview, field: string): string[] {
  return [
    ...review.findings
      .filter((f) => f.field === field)
      .map((f) => t('gate.mark', { finding: findingText(t, f) })),
    ...review.warnings
      .filter((w) => w.field === field)
      .map((w) => t('gate.warning.mark', { finding: warningText(t, w) })),
  ];
}

/**
 * A refusal for a form without a confirmation step (forum names, a chair's reasons): the intro,
 * every finding and warning on its own line, and why a warning refuses here.
 */
export function refusalLines(
  t: Translate,
  review: FieldReview,
  label: (field: string) => string,
): string[] {
  return [
    t('gate.intro'),
    ...reviewLines(t, review, label),
    ...(review.warnings.length > 0 ? [t('gate.warning.refused')] : []),
  ];
}
