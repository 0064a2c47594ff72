import { z } from 'zod';
import { freeText } from '../../core/free-text';
import { WEEKDAYS } from '../calendar';
import { FORUM_KINDS, type Forum } from './forums.types';
import type { ForumInput } from './forums.schemas';

/** What the "new forum" card sends (Teams sends every input as a string). */
export const forumFormSchema = z
  .object({
    name: freeText({ min: 2, max: 80 }),
    code: z
      .string()
      .trim()
      .regex(/^[A-ZÅÄÖ]{2,4}$/),
    kind: z.enum(FORUM_KINDS).default('caseForum'),
    organisations: z.string().min(1).max(1000),
    chairs: z.string().max(2000).optional(),
    weekday: z.enum(WEEKDAYS),
    interval: z.enum(['1', '2']).default('1'),
    startTime: z.string().regex(/^\d{2}:\d{2}$/),
    durationMinutes: z.coerce.number().int().min(15).max(480).default(120),
    firstDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    deadlineDays: z.coerce.number().int().min(0).max(20).default(2),
    deadlineTime: z
      .string()
      .regex(/^\d{2}:\d{2}$/)
      .default('12:00'),
    holidayPolicy: z.enum(['skip', 'moveToNextWorkingDay']).default('skip'),
    deadlineReminderHours: z.coerce.number().int().min(1).max(168).default(24),
    meetingReminderMinutes: z.coerce.number().int().min(0).max(1440).default(15),
    onlyDuringTerms: z.enum(['true', 'false']).default('false'),
    place: freeText({ max: 200 }).optional(),
    meetingLink: z.string().trim().max(1000).optional(),
  })
  .strict();
export type ForumForm = z.infer<typeof forumFormSchema>;

/** The form's values as strings, for re-showing the card with the user's input kept. */
export type ForumFormValues = Record<keyof ForumForm, string>;

export const emptyFormValues = (firstDate: string): ForumFormValues => ({
  name: '',
  code: '',
  kind: 'caseForum',
  organisations: '',
  chairs: '',
  weekday: 'thursday',
  interval: '1',
  startTime: '13:00',
  durationMinutes: '120',
  firstDate,
  deadlineDays: '2',
  deadlineTime: '12:00',
  holidayPolicy: 'skip',
  deadlineReminderHours: '24',
  meetingReminderMinutes: '15',
  onlyDuringTerms: 'false',
  place: '',
  meetingLink: '',
});

export const formValues = (f: ForumForm): ForumFormValues => ({
  ...f,
  chairs: f.chairs ?? '',
  interval: f.interval,
  durationMinutes: String(f.durationMinutes),
  deadlineDays: String(f.deadlineDays),
  deadlineReminderHours: String(f.deadlineReminderHours),
  meetingReminderMinutes: String(f.meetingReminderMinutes),
  place: f.place ?? '',
  meetingLink: f.meetingLink ?? '',
});

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** A URL-safe id from the forum's name: "Fossam Söder" → "fossam-soder". */
export const slugify = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'forum';

/** Maps the card's flat form onto the forum input the service validates. */
export function forumInputFromForm(f: ForumForm): ForumInput {
  return {
    id: slugify(f.name),
    name: f.name,
    code: f.code,
    kind: f.kind,
    organisations: list(f.organisations),
    chairs: list(f.chairs),
    schedule: {
      recurrence: { kind: 'weekly', interval: Number(f.interval), weekdays: [f.weekday] },
      startTime: f.startTime,
      durationMinutes: f.durationMinutes,
      timeZone: 'Europe/Stockholm',
      firstDate: f.firstDate,
      holidayPolicy: f.holidayPolicy,
      breakPolicy: f.holidayPolicy,
      onlyDuringTerms: f.onlyDuringTerms === 'true',
      deadline: { workingDaysBefore: f.deadlineDays, time: f.deadlineTime },
      reminders: {
        deadlineReminder: { hoursBefore: f.deadlineReminderHours },
        meetingReminderMinutesBefore: f.meetingReminderMinutes,
      },
    },
    ...(f.place ? { place: f.place } : {}),
    ...(f.meetingLink ? { meetingLink: f.meetingLink } : {}),
  };
}

/** The form's values for an existing forum (editing). Only weekly forums can be edited by card. */
export function formValuesOf(forum: Forum): ForumFormValues {
  const r = forum.schedule.recurrence;
  return {
    name: forum.name,
    code: forum.code,
    kind: forum.kind,
    organisations: forum.organisations.join(','),
    chairs: forum.chairs.join(','),
    weekday: r.kind === 'weekly' ? (r.weekdays[0] ?? 'thursday') : 'thursday',
    interval: r.kind === 'weekly' && r.interval === 2 ? '2' : '1',
    startTime: forum.schedule.startTime,
    durationMinutes: String(forum.schedule.durationMinutes),
    firstDate: forum.schedule.firstDate,
    deadlineDays: String(forum.schedule.deadline.workingDaysBefore),
    deadlineTime: forum.schedule.deadline.time,
    holidayPolicy: forum.schedule.holidayPolicy,
    deadlineReminderHours: String(
      'hoursBefore' in forum.schedule.reminders.deadlineReminder
        ? forum.schedule.reminders.deadlineReminder.hoursBefore
        : 24,
    ),
    meetingReminderMinutes: String(forum.schedule.reminders.meetingReminderMinutesBefore),
    onlyDuringTerms: String(forum.schedule.onlyDuringTerms),
    place: forum.place ?? '',
    meetingLink: forum.meetingLink ?? '',
  };
}
