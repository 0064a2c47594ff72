import { z } from 'zod';
import { freeText } from '../../core/free-text';
import { MAX_TEXT_LENGTH } from './cases.config';
import { AGE_BANDS, URGENCIES } from './cases.types';

const forumId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/);
/** `<forumId>:<YYYY-MM-DD>` (see forums.types Meeting.id). */
const meetingId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}:\d{4}-\d{2}-\d{2}$/);
const orgCode = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/);
const code = z.string().regex(/^[A-ZÅÄÖ]{2,4}-\d{2}-\d{3,6}$/);
/** A multi-select ChoiceSet sends its values comma-separated: "schoolAbsence,mentalHealth". */
const concernList = z
  .string()
  .max(1000)
  .regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}(,[a-zA-Z][a-zA-Z0-9]{1,39}){0,29}$/)
  .transform((s) => [...new Set(s.split(','))]);

/** `nytt ärende` buttons (e.g. on a deadline reminder) may preselect a forum and a meeting. */
export const openCaseSchema = z
  .object({ forumId: forumId.optional(), meetingId: meetingId.optional() })
  .strict();
export type OpenCase = z.infer<typeof openCaseSchema>;

/** The card's one-time token (core/operations.ts): a repeat of the same card creates nothing new. */
export const cardToken = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/** Every input of the case form, and the card's token; nothing else. */
export const submitCaseSchema = z
  .object({
    token: cardToken,
    meetingId,
    organisation: orgCode,
    ageBand: z.enum(AGE_BANDS),
    concerns: concernList,
    description: freeText({ min: 1, max: MAX_TEXT_LENGTH }),
    tried: freeText({ max: MAX_TEXT_LENGTH }).optional().default(''),
    question: freeText({ min: 1, max: MAX_TEXT_LENGTH }),
    urgency: z.enum(URGENCIES).optional().default('normal'),
    /** The Input.Toggle after a warning; Teams leaves an unticked toggle out, or sends "false". */
    confirmAnonymous: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true'),
  })
  .strict();
export type SubmitCase = z.output<typeof submitCaseSchema>;

export const withdrawCaseSchema = z.object({ code }).strict();
export type WithdrawCase = z.infer<typeof withdrawCaseSchema>;

/** `mina ärenden`; `confirm` (from a case's "Återkalla …" button) asks to confirm that case's withdrawal. */
export const myCasesSchema = z.object({ confirm: code.optional() }).strict();
export type MyCasesInput = z.infer<typeof myCasesSchema>;
