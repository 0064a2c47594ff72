import { AppError } from '../../core/errors';
import type { AnonymityGate } from './anonymity.gate';
import type { GateFinding, GateWarning, IdentifierType } from './anonymity.types';

/** A finding in one named field of a form. Holds no text: safe to log and to show. */
export interface FieldFinding extends GateFinding {
  field: string;
}

/** A warning (a combination that may identify a child) in one named field. No text. */
export interface FieldWarning extends GateWarning {
  field: string;
}

/** What the gate says about every free-text field of a form. */
export interface FieldReview {
  readonly findings: readonly FieldFinding[];
  readonly warnings: readonly FieldWarning[];
}

/** Runs the gate over every free-text field of a form. */
export function reviewFields(
  gate: AnonymityGate,
  fields: Readonly<Record<string, string | undefined>>,
): FieldReview {
  const findings: FieldFinding[] = [];
  const warnings: FieldWarning[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (!value) continue;
    const result = gate.check(value);
    for (const f of result.findings) findings.push({ field, ...f });
    for (const w of result.warnings) warnings.push({ field, ...w });
  }
  return { findings, warnings };
}

/**
 * Thrown by services when free text would identify someone. Carries the findings (field, type,
 * offsets, sentence: never the text), and any warnings, so the handler can re-show the form.
 */
export class IdentifyingTextError extends AppError {
  constructor(
    readonly findings: readonly FieldFinding[],
    readonly warnings: readonly FieldWarning[] = [],
  ) {
    const first = findings[0];
    super('identifyingText', {
      field: first?.field ?? warnings[0]?.field ?? '-',
      type: first?.type ?? 'name',
    });
  }
}

/**
 * Thrown when free text holds no direct identifier but a combination that may identify a child,
 * and the user has not confirmed that it cannot: the form comes back with the warning.
 */
export class IdentifyingCombinationWarning extends AppError {
  constructor(readonly warnings: readonly FieldWarning[]) {
    super('identifyingCombination', { field: warnings[0]?.field ?? '-' });
  }
}

/**
 * For free text without a confirmation step (a chair's reasons, forum names): anything the gate
 * finds, a direct identifier or an identifying combination, refuses the text.
 */
export function requireAnonymous(
  gate: AnonymityGate,
  fields: Readonly<Record<string, string | undefined>>,
): void {
  const { findings, warnings } = reviewFields(gate, fields);
  if (findings.length > 0 || warnings.length > 0)
    throw new IdentifyingTextError(findings, warnings);
}

export type { IdentifierType };
