import type { ZodType, ZodTypeDef } from 'zod';
import type { AdaptiveCardJson } from '../cards/render';
import type { Locale, MessageKey, Translate } from '../i18n/i18n';
import type { Actor } from './actor';
import type { Permission } from './permissions';
import type { Logger } from './logger';
import type { OperationResult } from './unit-of-work';

/**
 * The SDK-neutral contract between the bot layer (src/bot) and the capabilities.
 * Capabilities never see botbuilder or teams-ai types: a later move to the successor SDK
 * only has to produce a TurnCtx and deliver Replies.
 */
export type ConversationType = 'personal' | 'groupChat' | 'channel';

export interface ConversationInfo {
  id: string;
  tenantId: string;
  type: ConversationType;
}

export interface TurnCtx {
  actor: Actor;
  locale: Locale;
  /** False when neither this activity nor anything stored said the client's language. */
  localeKnown: boolean;
  t: Translate;
  conversation: ConversationInfo;
  log: Logger;
  correlationId: string;
  now: Date;
  /**
   * Set while a once-only action runs (see core/operations.ts): the id under which the change it
   * makes must record its result, in the same unit of work.
   */
  operationId?: string;
}

export type Reply = { text: string } | { card: AdaptiveCardJson };

/** A typed command. Patterns must be anchored (`^…$`); both languages are always accepted. */
export interface Command {
  id: string;
  patterns: readonly RegExp[];
  handle(ctx: TurnCtx, match: RegExpMatchArray): Promise<Reply[]>;
}

/** The answer to an Action.Execute: a card that replaces the clicked one, or a short message. */
export type ActionResult = { card: AdaptiveCardJson } | { text: string };

/** An Adaptive Card Action.Execute verb; `schema` validates the whole data object (strict). */
export interface Action<T = unknown> {
  verb: string;
  schema: ZodType<T, ZodTypeDef, unknown>;
  handle(ctx: TurnCtx, data: T): Promise<ActionResult>;
  /**
   * A card action that creates something: its data carries the card's one-time `token`, and a
   * repeat (double click, redelivery, retry) gets the first result back through `replay`.
   */
  once?: { replay(ctx: TurnCtx, result: OperationResult): Promise<ActionResult> };
}

/** One line of the help card: shown to users holding any of `roles` ('everyone' = all). */
export interface HelpEntry {
  command: Readonly<Record<Locale, string>>;
  description: MessageKey;
  /** Who sees it: the permission its command needs (core/permissions.ts), or everyone. */
  permission: Permission | 'everyone';
}

export interface Capability {
  name: string;
  commands?: readonly Command[];
  actions?: readonly Action<never>[];
  help?: readonly HelpEntry[];
}

/** Helper so each action keeps its own data type while living in a Capability's list. */
export const defineAction = <T>(action: Action<T>): Action<never> => action as Action<never>;
