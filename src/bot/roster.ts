import type { ConnectorClient } from 'botframework-connector';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Logger } from '../core/logger';
import {
  RosterUnavailableError,
  type OpenPersonalResult,
  type Roster,
  type RosterMember,
  type RosterSource,
} from '../core/roster';

/**
 * The roster port on the Bot Framework SDK: the Bot Connector's paged members
 * (`GET /v3/conversations/{team or chat id}/pagedmembers`, what `TeamsInfo.getPagedMembers` calls)
 * and conversation creation (`POST /v3/conversations` with the member's roster id and the
 * tenant id). Each call runs in a proactive turn on the stored reference, so the connector's
 * credentials and serviceUrl are the bot's own.
 */
export interface RosterOptions {
  adapter: TeamsAdapter | (() => TeamsAdapter);
  botAppId: string;
  log: Logger;
  /** Members per page (Teams allows up to 500). */
  pageSize?: number;
}

const statusOf = (e: unknown): number => {
  const x = e as { statusCode?: unknown; response?: { status?: unknown } } | null;
  if (typeof x?.statusCode === 'number') return x.statusCode;
  if (typeof x?.response?.status === 'number') return x.response.status;
  return 0;
};

export function createRoster(o: RosterOptions): Roster {
  const adapter = () => (typeof o.adapter === 'function' ? o.adapter() : o.adapter);

  /** Runs `fn` with a connector client for the source's serviceUrl (errors are passed on). */
  const withConnector = async <T>(
    source: RosterSource,
    fn: (client: ConnectorClient) => Promise<T>,
  ): Promise<T> => {
    let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await adapter().continueConversationAsync(o.botAppId, source.reference, async (context) => {
      try {
        const client = context.turnState.get<ConnectorClient>(adapter().ConnectorClientKey);
        result = { ok: true, value: await fn(client) };
      } catch (error) {
        result = { ok: false, error };
      }
    });
    if (!result) throw new Error('roster call made no turn');
    if (!result.ok) throw result.error;
    return result.value;
  };

  /** A channel's roster is its team's: the team id the bot layer stored with the reference. */
  const rosterConversationId = (source: RosterSource): string => {
    const ref = source.reference as { teamId?: unknown; conversation?: { id?: unknown } };
    if (typeof ref.teamId === 'string' && ref.teamId) return ref.teamId;
    return typeof ref.conversation?.id === 'string' ? ref.conversation.id : '';
  };

  return {
    async *members(source) {
      const conversationId = rosterConversationId(source);
      let continuationToken: string | undefined;
      let pages = 0;
      do {
        const token = continuationToken;
        const page = await withConnector(source, async (client) => {
          try {
            return await client.conversations.getConversationPagedMembers(conversationId, {
              pageSize: o.pageSize ?? 200,
              // As TeamsInfo.getPagedMembers does: no token on the first page (the SDK's type
              // says otherwise; an undefined query parameter is left out of the request).
              continuationToken: token as string,
            });
          } catch (error) {
            const status = statusOf(error);
            if (status === 403 || status === 404) throw new RosterUnavailableError(status);
            throw error;
          }
        });
        pages++;
        for (const m of page.members ?? []) {
          const member = m as { id?: unknown; name?: unknown; aadObjectId?: unknown };
          if (typeof member.aadObjectId !== 'string' || typeof member.id !== 'string') continue;
          const out: RosterMember = {
            aadObjectId: member.aadObjectId.toLowerCase(),
            rosterId: member.id,
            name: typeof member.name === 'string' ? member.name.slice(0, 200) : '',
          };
          yield out;
        }
        continuationToken = page.continuationToken || undefined;
      } while (continuationToken && pages < 1000);
    },

    async openPersonal(source, member): Promise<OpenPersonalResult> {
      const bot = (source.reference as { bot?: { id?: string; name?: string } }).bot ?? {};
      try {
        const created = await withConnector(source, (client) =>
          client.conversations.createConversation({
            isGroup: false,
            bot: { id: bot.id ?? '', name: bot.name ?? '' },
            members: [{ id: member.rosterId, name: '' }],
            tenantId: source.tenantId,
            channelData: { tenant: { id: source.tenantId } },
          }),
        );
        if (!created.id) throw new Error('createConversation returned no id');
        return {
          conversationId: created.id,
          reference: {
            channelId: 'msteams',
            serviceUrl: source.serviceUrl,
            bot: { id: bot.id ?? '', name: bot.name ?? '' },
            user: { id: member.rosterId, aadObjectId: member.aadObjectId, name: member.name },
            conversation: {
              id: created.id,
              conversationType: 'personal',
              tenantId: source.tenantId,
            },
          },
        };
      } catch (error) {
        const status = statusOf(error);
        if (status === 403 || status === 404) {
          o.log.info({ status }, 'personal chat could not be opened');
          return 'unreachable';
        }
        throw error;
      }
    },
  };
}
