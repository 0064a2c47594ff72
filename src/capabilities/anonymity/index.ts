/** The anonymity gate (pure): what the other capabilities may use of it. */
export { IdentifyingTextError, checkFields, requireAnonymous } from './anonymity.fields';
export type { FieldFinding } from './anonymity.fields';
export { checkText } from './anonymity.gate';
