import type { TurnCtx } from '../../core/capability';
import { nextStep } from '../../core/guidance';
import type { MessageKey } from '../../i18n/i18n';
import type { ForumsService } from './forums.service';

/** "Nothing here": the lead line, then what this user can do next, by role. */
export async function nothingYet(
  forums: ForumsService,
  ctx: TurnCtx,
  lead: MessageKey,
): Promise<string> {
  const step = nextStep(ctx.actor, await forums.setupState(ctx.actor));
  return [ctx.t(lead), step ? ctx.t(step) : ''].filter(Boolean).join(' ');
}

/** Which forum? Suggestions name the forums that exist (never an example that may not). */
export async function whichForum(
  forums: ForumsService,
  ctx: TurnCtx,
  key: 'forums.next.whichOf' | 'forums.next.unknownForumOf',
): Promise<string> {
  const names = await forums.forumNames(ctx.actor.tenantId);
  if (names.length === 0) return nothingYet(forums, ctx, 'forums.list.empty');
  return ctx.t(key, { example: names[0] ?? '', forums: names.slice(0, 12).join(', ') });
}
