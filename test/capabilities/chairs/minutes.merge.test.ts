import { describe, expect, it } from 'vitest';
import { emptyMinutes, type MinutesContent } from '../../../src/capabilities/chairs/chairs.types';
import { mergeMinutes, sameMinutes } from '../../../src/capabilities/chairs/minutes.merge';

const minutes = (m: Partial<MinutesContent>): MinutesContent => ({ ...emptyMinutes(), ...m });

describe('merging two saves of the same minutes (three-way, field by field)', () => {
  const base = minutes({
    attendance: { school: 'present' },
    outcomes: { 'FOS-26-001': 'adviceGiven' },
    notes: { 'FOS-26-001': 'Råd om samverkan.' },
  });

  it('takes the fields each side changed when they do not overlap', () => {
    const mine = minutes({ ...base, attendance: { school: 'present', police: 'absent' } });
    const current = minutes({
      ...base,
      outcomes: { 'FOS-26-001': 'noAction' },
      general: 'Kort möte.',
    });
    const { merged, conflicts } = mergeMinutes(base, mine, current);
    expect(conflicts).toEqual([]);
    expect(merged).toEqual(
      minutes({
        attendance: { school: 'present', police: 'absent' },
        outcomes: { 'FOS-26-001': 'noAction' },
        notes: { 'FOS-26-001': 'Råd om samverkan.' },
        general: 'Kort möte.',
      }),
    );
  });

  it('names the fields both changed differently, and keeps what was saved there', () => {
    const mine = minutes({ ...base, attendance: { school: 'absent' }, notes: {} });
    const current = minutes({
      ...base,
      attendance: { school: 'excused' },
      notes: { 'FOS-26-001': 'Annan text.' },
    });
    const { merged, conflicts } = mergeMinutes(base, mine, current);
    expect(conflicts).toEqual(['att.school', 'note.FOS-26-001']);
    expect(merged.attendance.school).toBe('excused');
    expect(merged.notes['FOS-26-001']).toBe('Annan text.');
  });

  it('is no conflict when both made the same change; a cleared field counts as a change', () => {
    const same = minutes({ ...base, outcomes: { 'FOS-26-001': 'sipRecommended' } });
    expect(mergeMinutes(base, same, same).conflicts).toEqual([]);
    const cleared = minutes({ ...base, notes: {} });
    const { merged } = mergeMinutes(base, cleared, base);
    expect(merged.notes).toEqual({});
  });

  it('merges follow-ups marked on either side', () => {
    const mine = minutes({ ...base, followedUp: ['deviation:AVV-26-001'] });
    const current = minutes({ ...base, followedUp: ['deviation:AVV-26-002'] });
    expect(mergeMinutes(base, mine, current).merged.followedUp).toEqual([
      'deviation:AVV-26-001',
      'deviation:AVV-26-002',
    ]);
    expect(sameMinutes(mine, minutes({ ...mine }))).toBe(true);
    expect(sameMinutes(mine, current)).toBe(false);
  });
});
