/** Kinds of identifying information the anonymity gate looks for. */
export type IdentifierType =
  'personnummer' | 'phone' | 'email' | 'address' | 'postcode' | 'birthdate' | 'name';

export const IDENTIFIER_TYPES: readonly IdentifierType[] = [
  'personnummer',
  'phone',
  'email',
  'address',
  'postcode',
  'birthdate',
  'name',
];

/**
 * One thing the gate found. Offsets are UTF-16 indices into the ORIGINAL text (end exclusive).
 * Deliberately holds no text, so findings can be logged safely.
 */
export interface GateFinding {
  type: IdentifierType;
  start: number;
  end: number;
}

export interface GateResult {
  ok: boolean;
  findings: GateFinding[];
}

/** A finding in normalised-text coordinates, as returned by the individual detectors. */
export interface Span {
  type: IdentifierType;
  start: number;
  end: number;
}
