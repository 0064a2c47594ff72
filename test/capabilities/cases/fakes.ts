import type { Actor, Role } from '../../../src/core/actor';
import type { CaseInput } from '../../../src/capabilities/cases/cases.types';
import {
  forumInputSchema,
  type ForumInput,
  type ForumInputParsed,
} from '../../../src/capabilities/forums/forums.schemas';

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

/**
 * Fossam as an admin creates it: Thursdays 13:00–15:00 Stockholm (12:00Z in winter), deadline
 * two working days before at 12:00 (Tuesday 11:00Z). Its meetings are `fossam:<date>`.
 */
export function forumInput(over: Partial<ForumInput> = {}): ForumInputParsed {
  return forumInputSchema.parse({
    id: 'fossam',
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
    ...over,
  } satisfies ForumInput);
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
