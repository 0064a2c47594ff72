import { z } from 'zod';
import { localDateSchema, localTimeSchema } from '../calendar';

export const cancelMeetingSchema = z
  .object({ meetingId: z.string().min(3).max(200), reason: z.string().trim().min(2).max(500) })
  .strict();
export const moveMeetingSchema = z
  .object({
    meetingId: z.string().min(3).max(200),
    date: localDateSchema,
    startTime: localTimeSchema.optional(),
    reason: z.string().trim().min(2).max(500),
  })
  .strict();

export const changeFormSchema = z
  .object({ meetingId: z.string().min(3).max(200), change: z.enum(['cancel', 'move']) })
  .strict();
