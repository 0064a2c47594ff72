import { z } from 'zod';
import { ROLES } from '../../core/actor';

const oid = z.string().regex(/^[0-9a-fA-F-]{36,37}$/);
const orgCode = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/);

/** Every input of the roles card arrives with every button: each verb requires what it uses. */
const base = { userId: oid, role: z.enum(ROLES).optional(), organisation: orgCode.optional() };

export const roleChangeSchema = z.object({ ...base, role: z.enum(ROLES) }).strict();
export type RoleChange = z.infer<typeof roleChangeSchema>;

export const organisationChangeSchema = z.object({ ...base, organisation: orgCode }).strict();
export type OrganisationChange = z.infer<typeof organisationChangeSchema>;
