// zod schemas for the calendar configuration a municipality / forum admin provides.
// Parsing fills defaults (zone Europe/Stockholm, policies 'skip', reminders) and yields the
// types of calendar.types.ts (checked at compile time at the bottom of this file).
import { z } from 'zod';
import type {
  ForumSchedule,
  MunicipalityCalendarConfig,
  OccurrenceOverride,
  Recurrence,
} from './calendar.types';
import { WEEKDAYS } from './calendar.types';
import { isValidLocalDate, isValidLocalTime, isValidTimeZone, yearOf } from './dates';

export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';

export const localDateSchema = z
  .string()
  .refine(isValidLocalDate, { message: 'Expected a date YYYY-MM-DD' });
export const localTimeSchema = z
  .string()
  .refine(isValidLocalTime, { message: 'Expected a time HH:mm (24h)' });
export const timeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { message: 'Expected an IANA time zone, e.g. Europe/Stockholm' });
export const weekdaySchema = z.enum(WEEKDAYS);

export const recurrenceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('weekly'),
    interval: z.number().int().min(1).max(52).default(1),
    weekdays: z.array(weekdaySchema).min(1),
  }),
  z.object({
    kind: z.literal('monthlyNthWeekday'),
    interval: z.number().int().min(1).max(12).default(1),
    nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]),
    weekday: weekdaySchema,
  }),
  z.object({ kind: z.literal('explicit'), dates: z.array(localDateSchema).min(1) }),
]);

export const deadlineRuleSchema = z.object({
  workingDaysBefore: z.number().int().min(0).max(30),
  time: localTimeSchema,
});

export const reminderPlanSchema = z.object({
  deadlineReminder: z.union([
    z
      .object({
        hoursBefore: z
          .number()
          .min(0)
          .max(24 * 30),
      })
      .strict(),
    z.object({ workingDaysBefore: z.number().int().min(0).max(30) }).strict(),
  ]),
  meetingReminderMinutesBefore: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 7),
});

export const DEFAULT_REMINDER_PLAN = {
  deadlineReminder: { hoursBefore: 24 },
  meetingReminderMinutesBefore: 15,
} as const;

export const forumScheduleSchema = z
  .object({
    forumId: z.string().min(1),
    recurrence: recurrenceSchema,
    startTime: localTimeSchema,
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    timeZone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
    firstDate: localDateSchema,
    untilDate: localDateSchema.optional(),
    holidayPolicy: z.enum(['skip', 'moveToNextWorkingDay']).default('skip'),
    breakPolicy: z.enum(['skip', 'moveToNextWorkingDay', 'ignore']).default('skip'),
    onlyDuringTerms: z.boolean().default(false),
    deadline: deadlineRuleSchema,
    reminders: reminderPlanSchema.default(DEFAULT_REMINDER_PLAN),
  })
  .superRefine((s, ctx) => {
    if (s.untilDate !== undefined && s.untilDate < s.firstDate) {
      ctx.addIssue({ code: 'custom', path: ['untilDate'], message: 'untilDate before firstDate' });
    }
    if (s.deadline.workingDaysBefore === 0 && s.deadline.time > s.startTime) {
      ctx.addIssue({
        code: 'custom',
        path: ['deadline', 'time'],
        message: 'A same-day deadline must not be after the meeting start',
      });
    }
  });

const dateRange = { start: localDateSchema, end: localDateSchema };
const rangeInOrder = (r: { start: string; end: string }) => r.start <= r.end;

export const schoolTermSchema = z
  .object({ kind: z.enum(['HT', 'VT']), year: z.number().int().min(2000).max(2100), ...dateRange })
  .refine(rangeInOrder, { message: 'Term ends before it starts', path: ['end'] })
  .refine((t) => yearOf(t.start) === t.year, {
    message: 'Term starts in another year',
    path: ['start'],
  });

export const schoolBreakSchema = z
  .object({ name: z.string().trim().min(1).max(100), ...dateRange })
  .refine(rangeInOrder, { message: 'Break ends before it starts', path: ['end'] });

export const extraDayOffSchema = z.object({
  date: localDateSchema,
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100).optional(),
});

export const calendarConfigSchema = z
  .object({
    terms: z.array(schoolTermSchema).default([]),
    breaks: z.array(schoolBreakSchema).default([]),
    extraDaysOff: z.array(extraDayOffSchema).default([]),
  })
  .superRefine((c, ctx) => {
    const sorted = [...c.terms].sort((a, b) => a.start.localeCompare(b.start));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const cur = sorted[i];
      if (prev && cur && cur.start <= prev.end) {
        ctx.addIssue({
          code: 'custom',
          path: ['terms'],
          message: `Terms overlap: ${prev.kind} ${prev.year} and ${cur.kind} ${cur.year}`,
        });
      }
    }
  });

const overrideReason = z.string().trim().min(1).max(500);

export const occurrenceOverrideSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('cancel'), reason: overrideReason }),
  z.object({
    action: z.literal('move'),
    reason: overrideReason,
    date: localDateSchema,
    startTime: localTimeSchema.optional(),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
  }),
]);

export const occurrenceOverridesSchema = z.record(z.string(), occurrenceOverrideSchema);

// Compile-time check that parsed values are exactly the domain types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
type _Checks = [
  Expect<Same<z.output<typeof recurrenceSchema>, Recurrence>>,
  Expect<Same<z.output<typeof forumScheduleSchema>, ForumSchedule>>,
  Expect<Same<z.output<typeof calendarConfigSchema>, MunicipalityCalendarConfig>>,
  Expect<Same<z.output<typeof occurrenceOverrideSchema>, OccurrenceOverride>>,
];
