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

/** What makes a combination identifying (see detect.quasi). */
export type QuasiSignal = 'unit' | 'group' | 'date' | 'detail';

/**
 * One thing the gate found. Offsets are UTF-16 indices into the ORIGINAL text (end exclusive);
 * `sentence` is the 1-based sentence it stands in. Deliberately holds no text, so findings can
 * be logged safely.
 */
export interface GateFinding {
  type: IdentifierType;
  start: number;
  end: number;
  sentence: number;
}

/**
 * A combination that may identify a child though no single identifier does: a warning, not a
 * refusal. Which signals were combined, and the sentences (1-based) they stand in. No text.
 */
export interface GateWarning {
  kind: 'quasi';
  signals: QuasiSignal[];
  sentences: number[];
}

export interface GateResult {
  /** No direct identifier (warnings do not make a text fail). */
  ok: boolean;
  findings: GateFinding[];
  warnings: GateWarning[];
}

/** A finding in normalised-text coordinates, as returned by the individual detectors. */
export interface Span {
  type: IdentifierType;
  start: number;
  end: number;
}
