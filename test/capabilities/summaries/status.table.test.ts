import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/actor';
import { forumInputSchema } from '../../../src/capabilities/forums/forums.schemas';
import type { Modules } from '../../../src/app';
import { openTestModules } from '../../harness/test-db';

/**
 * The table test: phrasings (Swedish and English, typos, missing å/ä/ö) mapped to the
 * answer the service gives, for the asker's role. Today is 24 November 2026 (HT 2026).
 */
const TENANT = 't-table';
const actor = (id: string, roles: string[], organisations: string[]): Actor => ({
  tenantId: TENANT,
  aadObjectId: id,
  displayName: id,
  roles: new Set(roles) as Actor['roles'],
  organisations,
});
const ADMIN = actor('00000000-0000-4000-8000-0000000000a1', ['admin'], []);
const MANAGER = actor('00000000-0000-4000-8000-0000000000b1', ['manager'], ['school']);
const CHAIR = actor('00000000-0000-4000-8000-0000000000c1', ['chair'], ['police']);
const STAFF = actor('00000000-0000-4000-8000-0000000000d1', ['staff'], ['school']);
const WHO = { admin: ADMIN, manager: MANAGER, chair: CHAIR, staff: STAFF };

type Want =
  | { kind: 'unknown' }
  | { kind: 'own' }
  | { kind: 'refused'; reason: string }
  | {
      kind: 'figures';
      intent: string;
      forums: string[];
      period: string;
      org?: string | null;
      filter?: string | null;
      compare?: boolean;
    };
const F = (
  intent: string,
  forums: string[],
  period = 'HT2026',
  more: Partial<Extract<Want, { kind: 'figures' }>> = {},
): Want => ({
  kind: 'figures',
  intent,
  forums,
  period,
  ...more,
});
const BOTH = ['fossam', 'sspf'];

const TABLE: [text: string, who: keyof typeof WHO, want: Want][] = [
  ['status', 'manager', F('status', ['fossam'])],
  ['Status?', 'admin', F('status', BOTH)],
  ['status Fossam', 'manager', F('status', ['fossam'])],
  ['status fosam', 'manager', F('status', ['fossam'])],
  ['stauts fossam', 'admin', F('status', ['fossam'])],
  ['hur går det för Fossam?', 'manager', F('status', ['fossam'])],
  ['hur gar det for fossam', 'manager', F('status', ['fossam'])],
  ['Hur går det för SSPF?', 'admin', F('status', ['sspf'])],
  ['hur går det i sspf centrum', 'chair', F('status', ['sspf'])],
  ['how is Fossam doing?', 'manager', F('status', ['fossam'])],
  ["how's fossam going", 'admin', F('status', ['fossam'])],
  ['how are things in SSPF', 'chair', F('status', ['sspf'])],
  ['lägesbild', 'admin', F('status', BOTH)],
  ['laget?', 'manager', F('status', ['fossam'])],
  ['overview', 'admin', F('status', BOTH)],
  ['översikt fossam', 'manager', F('status', ['fossam'])],
  ['status HT2025', 'manager', F('status', ['fossam'], 'HT2025')],
  ['status ht 2025', 'admin', F('status', BOTH, 'HT2025')],
  ['status vt-26 fossam', 'manager', F('status', ['fossam'], 'VT2026')],
  ['status hösten 2025', 'admin', F('status', BOTH, 'HT2025')],
  ['status varen 2026', 'admin', F('status', BOTH, 'VT2026')],
  ['status 2025', 'manager', F('status', ['fossam'], '2025')],
  ['status this year', 'manager', F('status', ['fossam'], '2026')],
  ['status i år', 'admin', F('status', BOTH, '2026')],
  ['status förra året', 'admin', F('status', BOTH, '2025')],
  ['status last term', 'manager', F('status', ['fossam'], 'VT2026')],
  ['status forra terminen', 'manager', F('status', ['fossam'], 'VT2026')],
  ['hur gick det i våras?', 'admin', F('status', BOTH, 'VT2026')],
  ['hur gick det i varas for fossam', 'manager', F('status', ['fossam'], 'VT2026')],
  ['status i höstas', 'admin', F('status', BOTH, 'HT2026')],
  ['status 2026-01-01 till 2026-08-31', 'admin', F('status', BOTH, '2026-01-01..2026-08-31')],
  [
    'status from 2026-01-01 to 2026-06-30',
    'manager',
    F('status', ['fossam'], '2026-01-01..2026-06-30'),
  ],
  ['jämför med förra terminen', 'manager', F('status', ['fossam'], 'HT2026', { compare: true })],
  [
    'jamfor fossam med forra terminen',
    'admin',
    F('status', ['fossam'], 'HT2026', { compare: true }),
  ],
  ['compare with last term', 'admin', F('status', BOTH, 'HT2026', { compare: true })],
  ['hur många ärenden kom in i höstas?', 'manager', F('cases', ['fossam'])],
  ['hur manga arenden kom in i hostas', 'admin', F('cases', BOTH)],
  ['how many cases came in this term?', 'admin', F('cases', BOTH)],
  ['how many cases last year', 'manager', F('cases', ['fossam'], '2025')],
  ['öppna ärenden', 'manager', F('cases', ['fossam'], 'HT2026', { filter: 'open' })],
  [
    'vilka ärenden är öppna i fossam?',
    'admin',
    F('cases', ['fossam'], 'HT2026', { filter: 'open' }),
  ],
  [
    "what's open for socialtjänsten?",
    'admin',
    F('cases', BOTH, 'HT2026', { org: 'socialServices', filter: 'open' }),
  ],
  [
    'whats open for the school',
    'manager',
    F('cases', ['fossam'], 'HT2026', { org: 'school', filter: 'open' }),
  ],
  ['ärenden från skolan i år', 'manager', F('cases', ['fossam'], '2026', { org: 'school' })],
  ['cases from the police this year', 'chair', F('cases', ['sspf'], '2026', { org: 'police' })],
  [
    'vilka avvikelser är försenade?',
    'manager',
    F('deviations', ['fossam'], 'HT2026', { filter: 'overdue' }),
  ],
  [
    'vilka avvikelser ar forsenade',
    'admin',
    F('deviations', BOTH, 'HT2026', { filter: 'overdue' }),
  ],
  ['overdue deviations', 'chair', F('deviations', ['sspf'], 'HT2026', { filter: 'overdue' })],
  ['avikelser i höstas', 'admin', F('deviations', BOTH)],
  ['when is the next meeting in sspf', 'chair', F('meetings', ['sspf'])],
  ['nästa möten fossam', 'manager', F('meetings', ['fossam'])],
  ['inställda möten förra terminen', 'admin', F('meetings', BOTH, 'VT2026')],
  // What staff get: their own view, whatever they ask for.
  ['status', 'staff', { kind: 'own' }],
  ['hur går det för Fossam?', 'staff', { kind: 'own' }],
  ['vilka avvikelser är försenade?', 'staff', { kind: 'own' }],
  // Refusals.
  ['status VT2027', 'manager', { kind: 'refused', reason: 'futurePeriod' }],
  ['status 2027', 'admin', { kind: 'refused', reason: 'futurePeriod' }],
  ['status HT1990', 'manager', { kind: 'refused', reason: 'badPeriod' }],
  ['status 2026-02-30 till 2026-03-31', 'admin', { kind: 'refused', reason: 'badPeriod' }],
  ['status Foobar', 'manager', { kind: 'refused', reason: 'unknownForum' }],
  ['hur går det för Zorro?', 'admin', { kind: 'refused', reason: 'unknownForum' }],
  ['status SSPF', 'manager', { kind: 'refused', reason: 'notYourForum' }],
  ['status fossam', 'chair', { kind: 'refused', reason: 'notYourForum' }],
  ["what's open for socialtjänsten?", 'manager', { kind: 'refused', reason: 'notYourOrg' }],
  ['status polisen', 'manager', { kind: 'refused', reason: 'notYourOrg' }],
  // Not understood.
  ['vad blir det för väder imorgon?', 'manager', { kind: 'unknown' }],
  ['hur mår du?', 'admin', { kind: 'unknown' }],
  ['who is the chair of fossam', 'manager', { kind: 'unknown' }],
  ['asdfghjkl', 'staff', { kind: 'unknown' }],
];

describe('status questions: phrasing → answer', () => {
  let modules: Modules;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ modules, close } = await openTestModules());
    const forum = (
      id: string,
      name: string,
      code: string,
      organisations: string[],
      chairs: string[],
    ) =>
      modules.faces.forums.createForum(
        ADMIN,
        forumInputSchema.parse({
          id,
          name,
          code,
          organisations,
          chairs,
          schedule: {
            recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
            startTime: '13:00',
            durationMinutes: 120,
            firstDate: '2026-09-03',
            deadline: { workingDaysBefore: 1, time: '12:00' },
          },
        }),
      );
    await forum('fossam', 'Fossam', 'FOS', ['school', 'socialServices', 'firstLine'], []);
    await forum(
      'sspf',
      'SSPF Centrum',
      'SSP',
      ['police', 'socialServices', 'leisure'],
      [CHAIR.aadObjectId!],
    );
  });
  afterAll(async () => {
    await close();
  });

  it(`has at least 60 phrasings (${TABLE.length})`, () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(TABLE)('%s (%s)', async (text, who, want) => {
    const answer = await modules.faces.summaries.status.answer(WHO[who], text);
    if (answer.kind !== 'figures' || want.kind !== 'figures') {
      expect(answer.kind).toBe(want.kind);
      if (want.kind === 'refused' && answer.kind === 'refused')
        expect(answer.reason).toBe(want.reason);
      return;
    }
    expect({
      intent: answer.query.intent,
      forums: answer.forums.map((f) => f.id).sort(),
      period: answer.period.key,
      ...('org' in want ? { org: answer.org } : {}),
      ...('filter' in want ? { filter: answer.query.filter } : {}),
      ...('compare' in want ? { compare: answer.query.compare } : {}),
    }).toEqual({ ...want, kind: undefined });
  });
});
