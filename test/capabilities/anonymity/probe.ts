import type {
  AnonymityGate,
  IdentifierType,
} from '../../../src/capabilities/anonymity/anonymity.gate';

/** What a gate finds in a text: the kinds, and the spans of one kind (tests read these). */
export const probe = (gate: AnonymityGate) => ({
  typesOf: (text: string): IdentifierType[] => [
    ...new Set(gate.check(text).findings.map((f) => f.type)),
  ],
  spansOf: (text: string, type: IdentifierType): string[] =>
    gate
      .check(text)
      .findings.filter((f) => f.type === type)
      .map((f) => text.slice(f.start, f.end)),
});
