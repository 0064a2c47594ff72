import { z } from 'zod';
import { freeText } from '../../core/free-text';
import { MAX_TEXT_LENGTH } from './deviations.config';

const forumId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/);
/** `<forumId>:<YYYY-MM-DD>` (see meetings). */
const meetingId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}:\d{4}-\d{2}-\d{2}$/);
const orgCode = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/);
const categoryCode = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/);
export const deviationCode = z.string().regex(/^AVV-\d{2}-\d{3,6}$/);
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** A multi-select ChoiceSet sends its values comma-separated: "school,socialServices". */
const orgList = z
  .string()
  .max(1000)
  .regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}(,[a-zA-Z][a-zA-Z0-9]{1,39}){0,29}$/)
  .transform((s) => [...new Set(s.split(','))]);

/** The card's one-time token (core/operations.ts). */
export const cardToken = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/**
 * `avvikelse`, or the button on the chair's offer after minutes recorded an organisation absent
 * (the meeting and the organisation prefill the form; nothing else can be passed in).
 */
export const openDeviationSchema = z
  .object({ absentFrom: meetingId.optional(), organisation: orgCode.optional() })
  .strict();
export type OpenDeviation = z.infer<typeof openDeviationSchema>;

/** Every input of the report form and the card's token; nothing else. */
export const submitDeviationSchema = z
  .object({
    token: cardToken,
    occurredOn: localDate,
    concerned: orgList,
    reportingOrganisation: orgCode,
    forumId: forumId.optional(),
    category: categoryCode,
    description: freeText({ min: 1, max: MAX_TEXT_LENGTH }),
    consequence: freeText({ max: MAX_TEXT_LENGTH }).optional().default(''),
    immediateAction: freeText({ max: MAX_TEXT_LENGTH }).optional().default(''),
    solvedLocally: z
      .enum(['yes', 'no'])
      .optional()
      .transform((v) => v === 'yes'),
    confirmAnonymous: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true'),
  })
  .strict();
export type SubmitDeviation = z.output<typeof submitDeviationSchema>;

export const codeSchema = z.object({ code: deviationCode }).strict();
export type CodeInput = z.infer<typeof codeSchema>;

/**
 * The answer (the detail card also sends its escalation choice, which is ignored here). Empty
 * inputs are absent (Teams), so each field is optional here and required by the handler, which
 * brings the card back with the inputs kept.
 */
export const answerSchema = z
  .object({
    code: deviationCode,
    cause: freeText({ max: MAX_TEXT_LENGTH }).optional().default(''),
    action: freeText({ max: MAX_TEXT_LENGTH }).optional().default(''),
    followUp: freeText({ max: MAX_TEXT_LENGTH }).optional().default(''),
    forumId: forumId.optional(),
  })
  .strict();
export type AnswerData = z.output<typeof answerSchema>;

/** Escalation to a steering forum (the card's answer inputs come along and are ignored). */
export const escalateSchema = z
  .object({
    code: deviationCode,
    forumId: forumId.optional(),
    cause: z
      .string()
      .max(MAX_TEXT_LENGTH * 4 + 100)
      .optional(),
    action: z
      .string()
      .max(MAX_TEXT_LENGTH * 4 + 100)
      .optional(),
    followUp: z
      .string()
      .max(MAX_TEXT_LENGTH * 4 + 100)
      .optional(),
  })
  .strict();
export type EscalateData = z.infer<typeof escalateSchema>;

/** `avvikelser` and its filters. */
export const listSchema = z
  .object({
    category: categoryCode.optional(),
    forumId: forumId.optional(),
    olderThanDays: z
      .enum(['30', '60', '90'])
      .optional()
      .transform((v) => (v ? Number(v) : undefined)),
    overdue: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true'),
  })
  .strict();
export type ListData = z.output<typeof listSchema>;
