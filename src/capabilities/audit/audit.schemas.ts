import { z } from 'zod';

/** An empty input is "no filter". */
const optional = (s: z.ZodString) =>
  z
    .union([z.literal(''), s])
    .optional()
    .transform((v) => (v === '' ? undefined : v));

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * Action.Execute `audit.filter` / `audit.export`: the card's inputs. The target is an id (a
 * forum, a case code, a user, a meeting …), so only id characters are accepted: no free text.
 */
export const filterSchema = z
  .object({
    user: optional(z.string().regex(/^[0-9a-fA-F-]{1,64}$/)),
    target: optional(
      z
        .string()
        .trim()
        .max(300)
        .regex(/^[A-Za-z0-9._:#@/-]+$/),
    ),
    from: optional(date),
    to: optional(date),
  })
  .strict();
export type FilterInput = z.infer<typeof filterSchema>;
