import { AppError } from './errors';
import type { Locale } from '../i18n/i18n';

export const ROLES = ['admin', 'manager', 'chair', 'staff'] as const;
export type Role = (typeof ROLES)[number];

/** Any role at all: what a known member of staff (not just a visitor) needs. */
export const ANY_ROLE: readonly Role[] = ROLES;

/** Who is acting: identified by Entra object id within a tenant. */
export interface Actor {
  tenantId: string;
  /** Entra (Azure AD) object id; undefined when Teams did not send one (then the actor has no roles). */
  aadObjectId: string | undefined;
  displayName: string;
  /** The language of the user's client (this activity's, or the last one that said). */
  locale?: Locale | undefined;
  roles: ReadonlySet<Role>;
  organisations: readonly string[];
  /** The turn's correlation id (set by the bot layer), carried into audit entries. */
  correlationId?: string;
}

export const hasRole = (actor: Actor, role: Role): boolean => actor.roles.has(role);

export const hasAnyRole = (actor: Actor, roles: readonly Role[]): boolean =>
  roles.some((r) => actor.roles.has(r));

/** Throws `forbidden` unless the actor holds one of the roles. Every service action calls this. */
export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!hasAnyRole(actor, roles)) {
    throw new AppError('forbidden', { needs: roles.join('|') });
  }
}
