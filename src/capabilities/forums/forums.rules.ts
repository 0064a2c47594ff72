import type { Actor } from '../../core/actor';
import { hasRole } from '../../core/actor';
import type { Forum } from './forums.types';

/**
 * The shared rules about forums, in one place: every capability asks these (through the forums
 * face), none keeps its own copy.
 */

/** The actor is one of the forum's chairs (ordförande / sammankallande). */
export const isChairOf = (actor: Pick<Actor, 'aadObjectId'>, forum: Forum): boolean =>
  !!actor.aadObjectId && forum.chairs.includes(actor.aadObjectId);

/** Who may cancel or move the forum's meetings, and act as its chair: an admin, or its chair. */
export const canChangeMeetingsOf = (actor: Actor, forum: Forum): boolean =>
  hasRole(actor, 'admin') || (hasRole(actor, 'chair') && isChairOf(actor, forum));

/** The organisation is one of the forum's members (it may raise cases there). */
export const takesPartIn = (organisation: string, forum: Forum): boolean =>
  forum.organisations.includes(organisation);
