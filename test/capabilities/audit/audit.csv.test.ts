import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/core/audit';
import { auditCsv, csvField } from '../../../src/capabilities/audit';

const header = {
  time: 'Tid',
  actorId: 'Användar-id',
  actorName: 'Namn',
  roles: 'Roller',
  action: 'Händelse',
  target: 'Objekt',
  detail: 'Detaljer',
  correlationId: 'Korrelations-id',
};

const entry: AuditEntry = {
  at: new Date('2026-11-24T08:00:00Z'),
  tenantId: 't1',
  actorId: 'admin-1',
  roles: ['admin', 'chair'],
  action: 'role.grant',
  target: 'user-1',
  detail: { role: 'chair', first: true, n: 2 },
  correlationId: 'c-1',
};

const csv = (
  entries: AuditEntry[],
  name: (id: string) => string = (id) => (id === 'admin-1' ? 'Åsa Öberg' : ''),
) => auditCsv(entries, { header, time: (at) => at.toISOString(), name });

describe('the audit CSV writer', () => {
  it('starts with a UTF-8 BOM, separates with ";", has a header row and CRLF lines', () => {
    const text = csv([entry]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines).toEqual([
      'Tid;Användar-id;Namn;Roller;Händelse;Objekt;Detaljer;Korrelations-id',
      '2026-11-24T08:00:00.000Z;admin-1;Åsa Öberg;admin chair;role.grant;user-1;role=chair first=true n=2;c-1',
      '',
    ]);
    expect(Buffer.from(text, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('quotes what Excel would split or misread, and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+46')).toBe("'+46");
    expect(csvField('-')).toBe('-');
    expect(csvField('')).toBe('');
    const text = csv([{ ...entry, target: 'a;b' }], () => 'Ek; "Bo"');
    expect(text).toContain(';"Ek; ""Bo""";');
    expect(text).toContain(';"a;b";');
  });

  it('writes only the structured fields: anything else on an entry never reaches the file', () => {
    const withText = { ...entry, text: 'Anna Lind 850101-1234', note: 'fri text' } as AuditEntry;
    const text = csv([withText]);
    expect(text).not.toContain('Anna');
    expect(text).not.toContain('fri text');
    expect(text.slice(1).split('\r\n')[1]?.split(';')).toHaveLength(8);
  });

  it('leaves optional fields empty (system entries, no roles, no correlation id)', () => {
    const system: AuditEntry = {
      at: entry.at,
      tenantId: 't1',
      actorId: '',
      action: 'forum.import',
      target: 'fossam',
    };
    expect(csv([system]).slice(1).split('\r\n')[1]).toBe(
      '2026-11-24T08:00:00.000Z;;;;forum.import;fossam;;',
    );
  });
});
