import { z } from 'zod';
import { freeText } from '../../core/free-text';
import { forumScheduleSchema } from '../calendar';
import { FORUM_KINDS } from './forums.types';

const aadObjectId = z.string().regex(/^[0-9a-fA-F-]{36,37}$/, 'an Entra object id (GUID)');

/** A forum as an admin or the import file describes it. */
export const forumInputSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and -, 2–40 characters'),
    name: freeText({ min: 2, max: 80 }),
    code: z.string().regex(/^[A-ZÅÄÖ]{2,4}$/, '2–4 capital letters'),
    kind: z.enum(FORUM_KINDS).default('caseForum'),
    organisations: z
      .array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/))
      .min(1)
      .max(30),
    chairs: z.array(aadObjectId).max(10).default([]),
    schedule: z.record(z.unknown()),
    place: freeText({ max: 200 }).optional(),
    meetingLink: z
      .string()
      .url()
      .max(1000)
      .refine((u) => u.startsWith('https://'), 'must be an https:// link')
      .optional(),
    locale: z.enum(['sv', 'en']).default('sv'),
    /** When the chairs get the agenda digest: minutes after the case deadline (−1 day … +2 days; default 0). */
    digestMinutesAfterDeadline: z.number().int().min(-1440).max(2880).optional(),
  })
  .strict()
  .transform((forum, ctx) => {
    // The calendar owns the schedule's rules; its schema needs the forum id.
    const parsed = forumScheduleSchema.safeParse({ ...forum.schedule, forumId: forum.id });
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, path: ['schedule', ...issue.path] });
      return z.NEVER;
    }
    const { forumId: _forumId, ...schedule } = parsed.data;
    return { ...forum, schedule };
  });
export type ForumInput = z.input<typeof forumInputSchema>;
export type ForumInputParsed = z.output<typeof forumInputSchema>;

/** The import file: a list of forums for one tenant. */
export const forumImportFileSchema = z
  .object({
    tenantId: z.string().min(1),
    forums: z.array(z.unknown()).min(1).max(5000),
  })
  .strict();
