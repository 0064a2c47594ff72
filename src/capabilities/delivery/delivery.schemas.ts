import { z } from 'zod';

/** Action.Execute `delivery.retry`: the id of the dead letter (the card puts it there). */
export const retrySchema = z.object({ id: z.string().min(1).max(300) }).strict();
export type RetryInput = z.infer<typeof retrySchema>;
