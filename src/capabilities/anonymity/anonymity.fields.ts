import { AppError } from '../../core/errors';
import { checkText } from './anonymity.gate';
import type { GateFinding, IdentifierType } from './anonymity.types';

/** A finding in one named field of a form. Holds no text: safe to log and to show. */
export interface FieldFinding extends GateFinding {
  field: string;
}

/** Runs the gate over every free-text field of a form; empty list = nothing identifying found. */
export function checkFields(fields: Readonly<Record<string, string | undefined>>): FieldFinding[] {
  const out: FieldFinding[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (!value) continue;
    for (const finding of checkText(value).findings) out.push({ field, ...finding });
  }
  return out;
}

/**
 * Thrown by services when free text would identify someone. Carries the findings (field, type,
 * offsets: never the text) so the handler can re-show the form with the field marked.
 */
export class IdentifyingTextError extends AppError {
  constructor(readonly findings: readonly FieldFinding[]) {
    const first = findings[0];
    super('identifyingText', { field: first?.field ?? '-', type: first?.type ?? 'name' });
  }
}

/** Throws IdentifyingTextError when any field holds an identifier. */
export function requireAnonymous(fields: Readonly<Record<string, string | undefined>>): void {
  const findings = checkFields(fields);
  if (findings.length > 0) throw new IdentifyingTextError(findings);
}

export type { IdentifierType };
