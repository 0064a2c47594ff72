import { z } from 'zod';

/** An Entra object id (the Playground's users have one digit more). */
const userId = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12,13}$/)
  .transform((s) => s.toLowerCase());

/** `privacy.show` (the report again) and `privacy.confirm` (the confirmation step). */
export const personSchema = z.object({ userId }).strict();
export type PersonInput = z.infer<typeof personSchema>;

export const exportSchema = z.object({ userId, format: z.enum(['json', 'csv']) }).strict();
export type ExportInput = z.infer<typeof exportSchema>;

/** The confirmed pseudonymization: once-only (the confirmation card's token). */
export const pseudonymizeSchema = z
  .object({ userId, token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) })
  .strict();
export type PseudonymizeInput = z.infer<typeof pseudonymizeSchema>;
