import { z } from 'zod';
import { freeText } from '../../core/free-text';
import { ATTENDANCE, type Attendance } from './chairs.types';
import type { MinutesInput } from './minutes.service';

const meetingId = z.string().min(3).max(200);

export const openMinutesSchema = z.object({ meetingId }).strict();
export type OpenMinutes = z.infer<typeof openMinutesSchema>;

const NOTE = freeText({ max: 1000 });
const GENERAL = freeText({ max: 2000 });
const CASE_CODE = /^[A-ZÅÄÖ]{2,4}-\d{2}-\d{3,6}$/;
const ORG = /^[a-zA-Z][a-zA-Z0-9]{1,39}$/;
const REF = /^[A-Za-z0-9:._-]{1,120}$/;
const OUTCOME = /^[a-zA-Z][a-zA-Z0-9]{1,39}$/;

/**
 * The minutes card as Teams sends it: the card's own data (meeting, revision, token) and one
 * input per field, named `att.<organisation>`, `out.<case code>`, `note.<case code>`,
 * `fu.<follow-up ref>` and `general`; inputs left empty are absent. Any other key, or a value
 * of the wrong shape, refuses the whole card (the field named is ours, never a sent key).
 */
export const saveMinutesSchema = z
  .object({
    meetingId,
    revision: z.union([z.string().regex(/^\d{1,6}$/), z.number().int().min(0).max(999_999)]),
    token: z.string().min(8).max(100),
  })
  .catchall(z.string().max(10_000))
  .transform((d, ctx): MinutesInput & { token: string } => {
    const out: MinutesInput & { token: string } = {
      meetingId: d.meetingId,
      baseRevision: Number(d.revision),
      token: d.token,
      attendance: {},
      outcomes: {},
      notes: {},
      general: '',
      followedUp: [],
    };
    const bad = (field: string) => {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field] });
      return z.NEVER;
    };
    for (const [key, raw] of Object.entries(d)) {
      if (key === 'meetingId' || key === 'revision' || key === 'token') continue;
      const value = String(raw);
      const dot = key.indexOf('.');
      const kind = dot < 0 ? key : key.slice(0, dot);
      const id = dot < 0 ? '' : key.slice(dot + 1);
      if (kind === 'att' && ORG.test(id)) {
        if (!(ATTENDANCE as readonly string[]).includes(value)) return bad('attendance');
        out.attendance[id] = value as Attendance;
      } else if (kind === 'out' && CASE_CODE.test(id)) {
        if (!OUTCOME.test(value)) return bad('outcome');
        out.outcomes[id] = value;
      } else if (kind === 'note' && CASE_CODE.test(id)) {
        const note = NOTE.safeParse(value);
        if (!note.success) return bad('note');
        if (note.data) out.notes[id] = note.data;
      } else if (kind === 'fu' && REF.test(id)) {
        if (value !== 'true' && value !== 'false') return bad('followUp');
        if (value === 'true') out.followedUp.push(id);
      } else if (key === 'general') {
        const general = GENERAL.safeParse(value);
        if (!general.success) return bad('general');
        out.general = general.data;
      } else return bad('-');
    }
    return out;
  });
export type SaveMinutes = z.output<typeof saveMinutesSchema>;
