import { randomBytes } from 'node:crypto';
import type { Activity, InvokeResponse, Request, Response } from 'botbuilder';
import {
  ActivityTypes,
  TurnContext,
  ConfigurationServiceClientCredentialFactory,
  MessageFactory,
  CardFactory,
} from 'botbuilder';
import type { AdaptiveCard, TurnState } from '@microsoft/teams-ai';
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import type { Reply, TurnCtx } from '../core/capability';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { describeError, type Router } from '../core/router';
import type { Config } from '../config/config';
import { localeFrom, translator, type Locale } from '../i18n/i18n';
import type { PeopleService } from '../capabilities/people';
import type { ConversationsService } from '../capabilities/conversations';
import type { HelpCapability } from '../capabilities/help';
import { actionOf, clientLocaleOf, conversationInfo, messageTextOf, tenantOf } from './activity';
import { safeError } from './safe-error';
import { isDatabaseUnavailable } from '../infra/db/mongo';
import { boundedName, checkInbound } from './inbound';
import { isOutboundTimeout, limitOutbound } from './outbound';

/** The only place (with the files beside it) that knows botbuilder and teams-ai. */
export interface BotDeps {
  config: Pick<Config, 'bot' | 'allowedTenantIds' | 'localMode' | 'outboundTimeoutMs'>;
  /** Built first (createTeamsAdapter), so the proactive sender can share it. */
  adapter: SamverkanAdapter;
  log: Logger;
  clock: Clock;
  router: Router;
  help: Pick<HelpCapability, 'welcome' | 'unknownMessage'>;
  people: PeopleService;
  conversations: ConversationsService;
}

export interface Bot {
  /** Handles POST /api/messages (authentication, then the turn). */
  process(req: Request, res: Response): Promise<void>;
  /** Turns currently running (graceful shutdown waits for 0). */
  inFlight(): number;
  adapter: SamverkanAdapter;
}

const TURN_CTX = Symbol('samverkan.turnCtx');
const newCorrelationId = () => randomBytes(4).toString('hex').toUpperCase();

/** Why an inbound request was not let through authentication. */
export class InboundAuthError extends Error {
  constructor(
    /** 401: the token is not good; 503: the signing keys could not be fetched. */
    readonly status: 401 | 503,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'InboundAuthError';
  }
}

/**
 * TeamsAdapter that authenticates a request itself (so what failed is ours to log and answer)
 * before running the turn on the already parsed activity.
 */
export class SamverkanAdapter extends TeamsAdapter {
  async authenticateAndRun(
    activity: Activity,
    authHeader: string,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    let authResult;
    try {
      authResult = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    } catch (error) {
      // botframework-connector's AuthenticationError carries a statusCode: 500 when the OpenID
      // metadata or keys could not be loaded; node-fetch's FetchError when nothing answered.
      const { name, statusCode } = error as { name?: unknown; statusCode?: unknown };
      const unreachable =
        name === 'FetchError' || (typeof statusCode === 'number' && statusCode >= 500);
      const reason = (error instanceof Error ? `${error.name}: ${error.message}` : 'unknown').slice(
        0,
        200,
      );
      throw new InboundAuthError(unreachable ? 503 : 401, reason);
    }
    return this.processActivity(authResult, activity, logic);
  }
}

export function createTeamsAdapter(bot: Config['bot']): SamverkanAdapter {
  const auth = {
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword ?? '',
    // With no app id (local mode) there are no credentials to check a tenant against.
    MicrosoftAppType: bot.appId ? bot.appType : 'MultiTenant',
    MicrosoftAppTenantId: bot.tenantId ?? '',
    // Test-only: where the channel's signing keys and token issuer are (README).
    ...(bot.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: bot.openIdMetadataUrl } : {}),
    ...(bot.tokenIssuer ? { ToBotFromChannelTokenIssuer: bot.tokenIssuer } : {}),
  };
  return new SamverkanAdapter(auth, new ConfigurationServiceClientCredentialFactory(auth));
}

const isCardAction = (activity: Activity) =>
  activity.type === 'invoke' && activity.name === 'adaptiveCard/action';

/**
 * What the user reads when a turn fails: while the database is unreachable a polite "try again
 * in a while" (nothing was written: a unit of work is all or nothing), otherwise the error's
 * own message (with a code for the unexpected ones).
 */
const failureText = (error: unknown, t: TurnCtx['t'], correlationId: string): string =>
  isDatabaseUnavailable(error)
    ? t('error.databaseUnavailable')
    : describeError(error, t, correlationId);

const toActivity = (reply: Reply): Partial<Activity> =>
  'card' in reply
    ? MessageFactory.attachment(CardFactory.adaptiveCard(reply.card))
    : MessageFactory.text(reply.text);

export function createBot(deps: BotDeps): Bot {
  const { log: rootLog, router, help, people, conversations, clock } = deps;
  const { adapter } = deps;
  const allowedTenants = new Set(deps.config.allowedTenantIds.map((t) => t.toLowerCase()));
  let inFlight = 0;

  // No turn-state storage: everything worth keeping is business data in the capabilities' own
  // collections. (Turn state cost two database round trips a turn and could conflict when Teams
  // sends a new conversation's install event and first message at once.)
  const app = new Application<TurnState>({
    adapter,
    botAppId: deps.config.bot.appId,
    startTypingTimer: false,
    removeRecipientMention: true,
  });

  const ctxOf = (context: TurnContext): TurnCtx => {
    const ctx = context.turnState.get<TurnCtx | undefined>(TURN_CTX);
    if (!ctx) throw new Error('turn context missing (beforeTurn did not run)');
    return ctx;
  };

  app.turn('beforeTurn', async (context) => {
    const activity = context.activity;
    const tenantId = tenantOf(activity) ?? '';
    const correlationId = newCorrelationId();
    const clientLocale = clientLocaleOf(activity);
    const conversation = conversationInfo(activity, tenantId);
    const log = rootLog.child({
      correlationId,
      activityId: activity.id,
      type: activity.type,
      name: activity.name,
      conversationType: conversation.type,
      tenantId,
    });
    const reference = JSON.parse(
      JSON.stringify(TurnContext.getConversationReference(activity)),
    ) as Record<string, unknown> & {
      conversation?: Record<string, unknown>;
      user?: Record<string, unknown>;
      agent?: Record<string, unknown>;
      bot?: Record<string, unknown>;
    };
    // Names in the stored reference are bounded like the user's display name.
    for (const party of [reference.user, reference.bot, reference.agent, reference.conversation])
      if (party && typeof party.name === 'string') party.name = boundedName(party.name);
    // Stored for proactive posts: a channel's reference points at the channel, not a thread.
    if (reference.conversation)
      reference.conversation = { ...reference.conversation, id: conversation.id };
    // A channel's roster is its team's (src/bot/roster.ts): keep the team id with the reference.
    const teamId = (activity.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
    if (conversation.type === 'channel' && typeof teamId === 'string' && teamId.length <= 512)
      reference.teamId = teamId;
    delete reference.activityId;
    // The user (roles read afresh every turn: a revoked role is refused on the very next turn)
    // and the conversation (a no-op once this instance knows it) are independent reads.
    const [resolved] = await Promise.all([
      people.resolveActor({
        tenantId,
        aadObjectId: activity.from?.aadObjectId,
        displayName: boundedName(activity.from?.name),
        locale: clientLocale,
      }),
      conversations.remember(conversation, reference, activity.serviceUrl ?? ''),
    ]);
    const actor = { ...resolved, correlationId };
    // The client's language; for events that carry none (install events), the user's last known.
    const locale: Locale = clientLocale ?? actor.locale ?? 'sv';
    const ctx: TurnCtx = {
      actor,
      locale,
      localeKnown: clientLocale !== undefined || actor.locale !== undefined,
      t: translator(locale),
      conversation,
      log,
      correlationId,
      now: clock.now(),
    };
    context.turnState.set(TURN_CTX, ctx);
    return true;
  });

  const send = async (context: TurnContext, replies: readonly Reply[]) => {
    for (const reply of replies) await context.sendActivity(toActivity(reply));
  };

  /**
   * The welcome, once per conversation (a unique insert decides, across requests, restarts and
   * instances). An install event whose client language is unknown (nothing stored for the user
   * either) defers it to the conversation's first message, so the welcome is always in the
   * language of the user's client.
   */
  const settled = new Set<string>();
  const remember = (conversationId: string) => {
    if (settled.size >= 10_000) settled.clear();
    settled.add(conversationId);
  };
  const welcome = async (context: TurnContext) => {
    const ctx = ctxOf(context);
    remember(ctx.conversation.id);
    if (await conversations.introduceOnce(ctx.conversation.id)) {
      ctx.log.info('introduced');
      await send(context, await help.welcome(ctx));
    }
  };
  const introduceOnInstall = async (context: TurnContext) => {
    const ctx = ctxOf(context);
    if (ctx.localeKnown) await welcome(context);
    else await conversations.deferIntroduction(ctx.conversation.id);
  };
  /** Before the first answer in a conversation whose welcome was deferred. */
  const introduceDeferred = async (context: TurnContext) => {
    const ctx = ctxOf(context);
    if (settled.has(ctx.conversation.id)) return;
    if (await conversations.introductionDeferred(ctx.conversation.id)) await welcome(context);
    else remember(ctx.conversation.id);
  };

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    if (context.activity.membersAdded?.some((m) => m.id === botId))
      await introduceOnInstall(context);
  });

  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    if (context.activity.action === 'add' || context.activity.action === 'add-upgrade')
      await introduceOnInstall(context);
  });

  app.activity(ActivityTypes.Message, async (context) => {
    const ctx = ctxOf(context);
    try {
      await introduceDeferred(context);
      const replies = await router.handleMessage(ctx, messageTextOf(context.activity));
      await send(context, replies ?? help.unknownMessage(ctx));
    } catch (error) {
      logFailure(ctx, error);
      // The conversation's service did not answer: telling the user would not reach them either.
      if (isOutboundTimeout(error)) return;
      await send(context, [{ text: failureText(error, ctx.t, ctx.correlationId) }]);
    }
  });

  app.adaptiveCards.actionExecute(
    (context) =>
      Promise.resolve(
        context.activity.type === 'invoke' && context.activity.name === 'adaptiveCard/action',
      ),
    async (context): Promise<AdaptiveCard | string> => {
      const ctx = ctxOf(context);
      const action = actionOf(context.activity);
      try {
        const result = await router.handleAction(ctx, action?.verb ?? '', action?.data);
        return 'card' in result ? result.card : result.text;
      } catch (error) {
        logFailure(ctx, error);
        return failureText(error, ctx.t, ctx.correlationId);
      }
    },
  );

  const logFailure = (ctx: TurnCtx, error: unknown) => {
    const appCode = (error as { code?: unknown }).code;
    if (isOutboundTimeout(error))
      ctx.log.warn(
        { timeoutMs: error.timeoutMs },
        "reply not delivered: the conversation's service did not answer in time",
      );
    else if (isDatabaseUnavailable(error))
      ctx.log.warn({ error: safeError(error) }, 'turn failed: database unavailable');
    else if (error instanceof Error && error.name === 'AppError')
      ctx.log.info({ appCode }, 'refused');
    else if (error instanceof Error && error.name === 'ZodError')
      ctx.log.info({ appCode: 'invalidInput' }, 'refused');
    else ctx.log.error({ error: safeError(error) }, 'turn failed');
  };

  /**
   * A turn that failed outside the handlers (e.g. the user or conversation could not be read in
   * beforeTurn because the database is down). A card action still gets an invoke response with
   * the message (not an empty 501); other activities get it as a message.
   */
  adapter.onTurnError = async (context, error) => {
    const correlationId = newCorrelationId();
    if (isOutboundTimeout(error)) {
      rootLog.warn(
        { correlationId, timeoutMs: error.timeoutMs, activityId: context.activity.id },
        "reply not delivered: the conversation's service did not answer in time",
      );
      return;
    }
    const unavailable = isDatabaseUnavailable(error);
    const fields = { correlationId, error: safeError(error), activityId: context.activity.id };
    if (unavailable) rootLog.warn(fields, 'turn failed: database unavailable');
    else rootLog.error(fields, 'unhandled turn error');
    const locale =
      context.turnState.get<TurnCtx | undefined>(TURN_CTX)?.locale ??
      localeFrom(clientLocaleOf(context.activity));
    const t = translator(locale);
    const text = unavailable
      ? t('error.databaseUnavailable')
      : t('error.unexpected', { correlationId });
    try {
      if (isCardAction(context.activity))
        await context.sendActivity({
          type: ActivityTypes.InvokeResponse,
          value: {
            status: 200,
            body: {
              statusCode: 200,
              type: 'application/vnd.microsoft.activity.message',
              value: text,
            },
          },
        });
      else await context.sendActivity(text);
    } catch (sendError) {
      rootLog.error(
        { correlationId, error: safeError(sendError) },
        'could not tell the user about the error',
      );
    }
  };

  return {
    adapter,
    inFlight: () => inFlight,
    async process(req, res) {
      const answer = (status: number, body: Record<string, unknown> | undefined) => {
        res.status(status);
        if (body !== undefined) res.send(body);
        res.end();
      };
      const checked = checkInbound(req.body, deps.config.localMode);
      if (!checked.ok) {
        rootLog.warn({ fields: checked.fields }, 'inbound activity refused (bad request)');
        answer(400, { error: 'bad request' });
        return;
      }
      const activity = req.body as Activity & Record<string, unknown>;
      // As botbuilder's own process() does: timestamps as dates, the raw strings kept.
      for (const key of ['timestamp', 'localTimestamp', 'expiration'] as const) {
        const raw = activity[key] as unknown;
        if (typeof raw === 'string') {
          activity[`raw${key[0]!.toUpperCase()}${key.slice(1)}`] = raw;
          (activity as Record<string, unknown>)[key] = new Date(raw);
        }
      }
      const header = req.headers.authorization ?? req.headers.Authorization;
      inFlight++;
      try {
        const invokeResponse = await adapter.authenticateAndRun(
          activity,
          typeof header === 'string' ? header : '',
          async (context) => {
            const tenantId = tenantOf(context.activity)?.toLowerCase();
            // Every call to this activity's serviceUrl shares one short deadline.
            limitOutbound(context, adapter.ConnectorClientKey, deps.config.outboundTimeoutMs);
            if (!tenantId || !allowedTenants.has(tenantId)) {
              rootLog.warn(
                { tenantId: tenantId ?? null, type: context.activity.type },
                'activity from a tenant not on the allow-list ignored',
              );
              return;
            }
            await app.run(context);
          },
        );
        answer(
          invokeResponse?.status ?? 200,
          invokeResponse?.body as Record<string, unknown> | undefined,
        );
      } catch (error) {
        if (error instanceof InboundAuthError) {
          if (error.status === 503)
            rootLog.error(
              { reason: error.reason },
              'inbound authentication unavailable: the signing keys could not be fetched',
            );
          else rootLog.warn({ reason: error.reason }, 'inbound request not authenticated');
          answer(error.status, {
            error: error.status === 503 ? 'unavailable' : 'unauthorized',
          });
        } else {
          rootLog.error({ error: safeError(error) }, 'inbound request failed');
          answer(500, { error: 'internal error' });
        }
      } finally {
        inFlight--;
      }
    },
  };
}
