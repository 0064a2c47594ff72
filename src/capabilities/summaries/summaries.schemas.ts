import { z } from 'zod';

/** Action.Execute `summaries.export`: which period and (optionally) which forum; ids only. */
export const exportSchema = z
  .object({
    period: z
      .string()
      .max(30)
      .regex(/^(HT|VT)\d{4}$|^\d{4}(-\d{2})?$|^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$/),
    forum: z
      .union([z.literal(''), z.string().regex(/^[a-z0-9-]{1,64}$/)])
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
  })
  .strict();
export type ExportInput = z.infer<typeof exportSchema>;
