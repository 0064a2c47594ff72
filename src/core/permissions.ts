import type { Actor, Role } from './actor';
import { ANY_ROLE, hasAnyRole, requireRole } from './actor';

/**
 * Who may do what: the one declaration the services enforce (`authorize`) and the help card reads
 * (`HelpEntry.permission`), so the two cannot drift. Rules that depend on the thing acted on (a
 * chair of *this* forum, the submitter of *this* case) are checked on top by the services.
 */
export const PERMISSIONS = {
  /** Grant and revoke roles and organisation membership. */
  'people.manage': ['admin'],
  /** See the forums and their next meetings. */
  'forums.view': ANY_ROLE,
  /** Create, edit, import and link forums. */
  'forums.manage': ['admin'],
  /** See a forum's coming meetings (`nästa möte`). */
  'meetings.view': ANY_ROLE,
  /** Cancel or move a meeting (a chair of that forum, or an admin). */
  'meetings.change': ['chair', 'admin'],
  /** Raise cases, see and withdraw one's own. */
  'cases.raise': ANY_ROLE,
  /** A chair's steps in a case's lifecycle (on the agenda, discussed, closed, moved). */
  'cases.chair': ['chair', 'admin'],
  /** The outbox: counts, dead letters, retries. */
  'delivery.manage': ['admin'],
  /** Report a deviation (avvikelse) and see one's own (`avvikelse`, `avvikelser`). */
  'deviations.report': ANY_ROLE,
  /**
   * Take on, answer, escalate and close a deviation: a manager of an organisation it concerns
   * (role manager and member of that organisation), or an admin.
   */
  'deviations.handle': ['manager', 'admin'],
  /** The audit trail: read, filter and export it (`granskningslogg`). */
  'audit.view': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Throws `forbidden` unless the actor holds one of the permission's roles. */
export function authorize(actor: Actor, permission: Permission): void {
  requireRole(actor, ...PERMISSIONS[permission]);
}

export const isAllowed = (actor: Actor, permission: Permission): boolean =>
  hasAnyRole(actor, PERMISSIONS[permission]);
