import type { Actor, Role } from '../../../src/core/actor';
import type { Clock } from '../../../src/core/clock';
import type { CaseForums, CasesRepository } from '../../../src/capabilities/cases/cases.ports';
import type { CaseInput, CaseRecord } from '../../../src/capabilities/cases/cases.types';
import type { Forum, Meeting } from '../../../src/capabilities/forums/forums.types';

export const T = 'tenant-1';
export const ANNA = 'aaaaaaaa-0000-4000-8000-00000000000a';
export const BO = 'bbbbbbbb-0000-4000-8000-00000000000b';
export const CHAIR = 'cccccccc-0000-4000-8000-00000000000c';
export const ADMIN = 'dddddddd-0000-4000-8000-00000000000d';

export const actor = (
  aadObjectId: string | undefined,
  roles: Role[],
  organisations: string[] = [],
): Actor => ({ tenantId: T, aadObjectId, displayName: 'X', roles: new Set(roles), organisations });

const DAY = 24 * 60 * 60 * 1000;

/** Fossam: Thursdays 13:00–15:00 Stockholm (12:00Z in winter), deadline Tuesday 12:00 (11:00Z). */
export function fossamMeeting(date: string, over: Partial<Meeting> = {}): Meeting {
  const start = new Date(`${date}T12:00:00Z`);
  return {
    id: `fossam:${date}`,
    tenantId: T,
    forumId: 'fossam',
    originalDate: date,
    date,
    start,
    end: new Date(start.getTime() + 2 * 60 * 60 * 1000),
    timeZone: 'Europe/Stockholm',
    status: 'scheduled',
    deadlineAt: new Date(start.getTime() - 2 * DAY - 60 * 60 * 1000),
    deadlineReminderAt: new Date(start.getTime() - 3 * DAY),
    meetingReminderAt: new Date(start.getTime() - 15 * 60 * 1000),
    ...over,
  };
}

export function makeForum(over: Partial<Forum> = {}): Forum {
  const at = new Date('2026-08-01T00:00:00Z');
  return {
    id: 'fossam',
    tenantId: T,
    name: 'Fossam',
    code: 'FOS',
    kind: 'caseForum',
    organisations: ['school', 'socialServices', 'firstLine'],
    chairs: [CHAIR],
    schedule: {
      recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
      startTime: '13:00',
      durationMinutes: 120,
      timeZone: 'Europe/Stockholm',
      firstDate: '2026-08-20',
      holidayPolicy: 'skip',
      breakPolicy: 'skip',
      onlyDuringTerms: false,
      deadline: { workingDaysBefore: 2, time: '12:00' },
      reminders: { deadlineReminder: { hoursBefore: 24 }, meetingReminderMinutesBefore: 15 },
    },
    locale: 'sv',
    createdAt: at,
    updatedAt: at,
    createdBy: ADMIN,
    ...over,
  };
}

/** Forums and meetings in memory; "open" is computed with the same clock as the service's. */
export class FakeForums implements CaseForums {
  constructor(
    private readonly clock: Clock,
    public forums: Forum[] = [makeForum()],
    public meetings: Meeting[] = ['2026-11-26', '2026-12-03', '2026-12-10', '2026-12-17'].map((d) =>
      fossamMeeting(d),
    ),
  ) {}

  forumsForActor(a: Actor) {
    return Promise.resolve(
      this.forums.filter((f) => f.organisations.some((o) => a.organisations.includes(o))),
    );
  }
  getForum(tenantId: string, id: string) {
    return Promise.resolve(this.forums.find((f) => f.tenantId === tenantId && f.id === id) ?? null);
  }
  openMeetings(tenantId: string, forumId: string, limit = 6) {
    const now = this.clock.now();
    return Promise.resolve(
      this.meetings
        .filter((m) => m.tenantId === tenantId && m.forumId === forumId)
        .filter((m) => (m.status === 'scheduled' || m.status === 'moved') && m.deadlineAt > now)
        .sort((a, b) => +a.start - +b.start)
        .slice(0, limit),
    );
  }
  upcomingMeetings(tenantId: string, forumId: string, limit = 3) {
    const now = this.clock.now();
    return Promise.resolve(
      this.meetings
        .filter((m) => m.tenantId === tenantId && m.forumId === forumId)
        .filter((m) => (m.status === 'scheduled' || m.status === 'moved') && m.start > now)
        .sort((a, b) => +a.start - +b.start)
        .slice(0, limit),
    );
  }
  getMeeting(tenantId: string, id: string) {
    return Promise.resolve(
      this.meetings.find((m) => m.tenantId === tenantId && m.id === id) ?? null,
    );
  }
}

/** Cases in memory, with the same contract as Mongo: unique codes, compare-and-swap versions. */
export class FakeCasesRepository implements CasesRepository {
  cases = new Map<string, CaseRecord>();
  /** Codes to report as taken once (to simulate a concurrent submission winning the race). */
  stolen = new Set<string>();

  maxSequence(tenantId: string, forumId: string, year: number) {
    const seqs = [...this.cases.values()]
      .filter((c) => c.tenantId === tenantId && c.forumId === forumId && c.year === year)
      .map((c) => c.sequence);
    return Promise.resolve(Math.max(0, ...seqs));
  }
  insert(record: CaseRecord) {
    const key = `${record.tenantId}:${record.code}`;
    if (this.stolen.delete(record.code) || this.cases.has(key)) return Promise.resolve(false);
    this.cases.set(key, structuredClone(record));
    return Promise.resolve(true);
  }
  get(tenantId: string, code: string) {
    const c = this.cases.get(`${tenantId}:${code}`);
    return Promise.resolve(c ? structuredClone(c) : null);
  }
  listBySubmitter(tenantId: string, oid: string, limit: number) {
    return Promise.resolve(
      [...this.cases.values()]
        .filter((c) => c.tenantId === tenantId && c.submittedBy === oid)
        .sort((a, b) => +b.createdAt - +a.createdAt || b.sequence - a.sequence)
        .slice(0, limit)
        .map((c) => structuredClone(c)),
    );
  }
  listByMeeting(tenantId: string, meetingId: string) {
    return Promise.resolve(
      [...this.cases.values()]
        .filter((c) => c.tenantId === tenantId && c.meetingId === meetingId)
        .map((c) => structuredClone(c)),
    );
  }
  replace(next: CaseRecord) {
    const key = `${next.tenantId}:${next.code}`;
    const current = this.cases.get(key);
    if (!current || current.version !== next.version - 1) return Promise.resolve(false);
    this.cases.set(key, structuredClone(next));
    return Promise.resolve(true);
  }
}

export const input = (over: Partial<CaseInput> = {}): CaseInput => ({
  meetingId: 'fossam:2026-11-26',
  organisation: 'school',
  ageBand: 'grades7to9',
  concerns: ['schoolAbsence', 'mentalHealth'],
  description: 'Eleven i årskurs 8 har hög frånvaro sedan höstlovet.',
  tried: 'Anpassningar, samtal med kurator och elevhälsomöte.',
  question: 'Vad kan socialtjänsten och Första linjen erbjuda?',
  urgency: 'normal',
  ...over,
});
