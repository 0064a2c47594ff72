/** The anonymity gate (pure): what the other capabilities may use of it. */
export {
  IdentifyingCombinationWarning,
  IdentifyingTextError,
  requireAnonymous,
  reviewFields,
} from './anonymity.fields';
export type { FieldFinding, FieldReview, FieldWarning } from './anonymity.fields';
export { createGate } from './anonymity.gate';
export type { AnonymityGate } from './anonymity.gate';
export type { QuasiSignal } from './anonymity.types';
export {
  fieldNotes,
  findingText,
  refusalLines,
  reviewLines,
  warningText,
} from './anonymity.messages';
