import { z } from 'zod';
import { ROLES } from '../../core/actor';

const oid = z.string().regex(/^[0-9a-fA-F-]{36,37}$/);
const orgCode = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/);

/**
 * Every input of the roles card arrives with every button, and Teams leaves out the ones that
 * are not set: the schema accepts a card with any of them missing, and each verb tells the user
 * (in the card, the other inputs kept) what it still needs.
 */
export const rolesCardSchema = z
  .object({
    userId: oid.optional(),
    role: z.enum(ROLES).optional(),
    organisation: orgCode.optional(),
  })
  .strict();
export type RolesCardInput = z.infer<typeof rolesCardSchema>;

export type RoleChange = RolesCardInput & { userId: string; role: (typeof ROLES)[number] };
export type OrganisationChange = RolesCardInput & { userId: string; organisation: string };
