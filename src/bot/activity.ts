import type { Activity } from 'botbuilder';
import type { ConversationInfo, ConversationType } from '../core/capability';
import { localeFrom, type Locale } from '../i18n/i18n';

/** The tenant of an activity: conversation.tenantId, or channelData.tenant.id (Teams sends both). */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannel = channelData?.tenant?.id;
  return (
    activity.conversation?.tenantId ?? (typeof fromChannel === 'string' ? fromChannel : undefined)
  );
}

export function conversationInfo(activity: Partial<Activity>, tenantId: string): ConversationInfo {
  const raw = activity.conversation?.conversationType;
  const type: ConversationType =
    raw === 'channel' ? 'channel' : raw === 'groupChat' ? 'groupChat' : 'personal';
  // A channel message's conversation id names its thread (`…;messageid=123`). The forum lives
  // in the channel itself: posting to the bare channel id starts a new post there.
  const id = (activity.conversation?.id ?? '').replace(/;messageid=\d+$/, '');
  return { id: type === 'channel' ? id : (activity.conversation?.id ?? ''), tenantId, type };
}

/** Action.Execute invoke: verb and data, or undefined when the shape is not one. */
export function actionOf(activity: Partial<Activity>): { verb: string; data: unknown } | undefined {
  const value = activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined;
  const verb = value?.action?.verb;
  if (typeof verb !== 'string') return undefined;
  return { verb, data: value?.action?.data ?? {} };
}

/**
 * The language of the user's client: the activity's `locale`, or the clientInfo entity's (Teams
 * sends both on messages). Undefined when the activity says nothing (Teams' conversationUpdate).
 */
export function clientLocaleOf(activity: Partial<Activity>): Locale | undefined {
  const clientInfo = activity.entities?.find((e) => e.type === 'clientInfo') as
    { locale?: unknown } | undefined;
  const raw =
    typeof activity.locale === 'string' && activity.locale !== ''
      ? activity.locale
      : typeof clientInfo?.locale === 'string'
        ? clientInfo.locale
        : undefined;
  return raw === undefined ? undefined : localeFrom(raw);
}

/**
 * A message's text; anything but a string (a faulty or hostile client) counts as empty. A card
 * button (Action.Submit) sends no text but `{ command }`: the command is read as if typed (it goes
 * through the same routing and authorization as typed text).
 */
export function messageTextOf(activity: Partial<Activity>): string {
  if (typeof activity.text === 'string' && activity.text.trim() !== '') return activity.text;
  const command = (activity.value as { command?: unknown } | undefined)?.command;
  return typeof command === 'string' && command.length <= 100 ? command : '';
}
