import { z } from 'zod';
import { freeText } from '../../core/free-text';
import { localDateSchema, localTimeSchema } from '../calendar';

export const cancelMeetingSchema = z
  .object({ meetingId: z.string().min(3).max(200), reason: freeText({ min: 2, max: 500 }) })
  .strict();
export const moveMeetingSchema = z
  .object({
    meetingId: z.string().min(3).max(200),
    date: localDateSchema,
    startTime: localTimeSchema.optional(),
    reason: freeText({ min: 2, max: 500 }),
  })
  .strict();

export const changeFormSchema = z
  .object({ meetingId: z.string().min(3).max(200), change: z.enum(['cancel', 'move']) })
  .strict();
