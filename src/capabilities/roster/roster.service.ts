import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import {
  parsePersonAddress,
  RosterUnavailableError,
  type Roster,
  type RosterSource,
} from '../../core/roster';
import type { ConversationRecord, ConversationsService } from '../conversations';
import type { PeopleService } from '../people';

/** A member of a team or group chat the bot is in, known before they ever write to the bot. */
export interface KnownMember {
  tenantId: string;
  aadObjectId: string;
  /** The Teams user id (`29:…`) a 1:1 chat is created with, and @mentions name. */
  rosterId: string;
  name: string;
  /** The conversations whose rosters list the member (the first one opens the 1:1 chat). */
  conversationIds: string[];
  seenAt: Date;
}

/** The 1:1 chat between the bot and a person (opened by the bot, or the person wrote first). */
export interface PersonalChatRecord {
  tenantId: string;
  aadObjectId: string;
  conversationId: string;
  openedAt: Date;
}

/** A conversation whose roster is read (when a forum is bound there, then daily). */
export interface RosterSourceRecord {
  conversationId: string;
  tenantId: string;
  readAt: Date;
  members: number;
}

export interface RosterRepository {
  saveMember(member: KnownMember): Promise<void>;
  getMember(tenantId: string, aadObjectId: string): Promise<KnownMember | null>;
  membersOf(tenantId: string, conversationId: string): Promise<KnownMember[]>;
  getChat(tenantId: string, aadObjectId: string): Promise<PersonalChatRecord | null>;
  /** Unique insert; a duplicate means another request opened it (the same chat). */
  insertChat(chat: PersonalChatRecord): Promise<void>;
  saveSource(source: RosterSourceRecord): Promise<void>;
  getSource(conversationId: string): Promise<RosterSourceRecord | null>;
  staleSources(before: Date, limit: number): Promise<RosterSourceRecord[]>;
  dropSource(conversationId: string): Promise<void>;
}

export interface RosterServiceDeps {
  repo: RosterRepository;
  roster: Roster;
  conversations: Pick<ConversationsService, 'find' | 'remember' | 'personalConversationOf'> &
    Partial<Pick<ConversationsService, 'findMany'>>;
  people: Pick<PeopleService, 'knowMember'>;
  clock: Clock;
  log: Logger;
}

/** Where a person can be reached: their 1:1 chat, or why not. */
export type Reach =
  | { kind: 'chat'; conversationId: string }
  /** Teams refused the 1:1 chat (the app is not installed for them, or blocked). */
  | { kind: 'unreachable' }
  /** Never seen: neither wrote to the bot nor listed in a roster the bot read. */
  | { kind: 'unknown' };

const DAY = 24 * 60 * 60 * 1000;

/**
 * Reaching people: reads the rosters of the teams and group chats where forums live (so chairs
 * and members are known, by Entra object id, name and roster id, before they ever write), and
 * opens 1:1 chats with them for personal messages. The outbox resolves `person:` addresses
 * through `directory`, so a message to a person opens their chat when it is delivered.
 */
export class RosterService {
  constructor(private readonly deps: RosterServiceDeps) {}

  /** Reads one conversation's roster now; returns the number of members stored. */
  async readConversation(tenantId: string, conversationId: string): Promise<number> {
    const { repo, roster, conversations, people, clock, log } = this.deps;
    const record = await conversations.find(conversationId);
    if (!record || record.type === 'personal') return 0;
    const now = clock.now();
    let count = 0;
    for await (const m of roster.members(sourceOf(record, tenantId))) {
      const existing = await repo.getMember(tenantId, m.aadObjectId);
      const conversationIds = [
        ...new Set([...(existing?.conversationIds ?? []), conversationId]),
      ].slice(-50);
      await repo.saveMember({ tenantId, ...m, conversationIds, seenAt: now });
      await people.knowMember({ tenantId, aadObjectId: m.aadObjectId, displayName: m.name });
      count++;
    }
    await repo.saveSource({ conversationId, tenantId, readAt: now, members: count });
    log.info({ conversationId, members: count }, 'roster read');
    return count;
  }

  /**
   * A forum was bound in the conversation: its roster is read now and daily after. A roster Teams
   * refuses (403/404: a private channel, the bot not in the team) is logged and left to the daily
   * pass; other failures are thrown, so the event is retried with backoff.
   */
  async track(tenantId: string, conversationId: string): Promise<number> {
    try {
      return await this.readConversation(tenantId, conversationId);
    } catch (error) {
      if (!(error instanceof RosterUnavailableError)) throw error;
      const now = this.deps.clock.now();
      await this.deps.repo.saveSource({ conversationId, tenantId, readAt: now, members: 0 });
      this.deps.log.warn({ conversationId, status: error.status }, 'roster unavailable');
      return 0;
    }
  }

  /** The daily pass: every roster read more than a day ago, read again (bounded per pass). */
  async refresh(now: Date, limit = 20): Promise<{ read: number; failed: number }> {
    const stats = { read: 0, failed: 0 };
    for (const source of await this.deps.repo.staleSources(new Date(now.getTime() - DAY), limit)) {
      try {
        await this.readConversation(source.tenantId, source.conversationId);
        stats.read++;
      } catch (error) {
        stats.failed++;
        // Tried again on the next day's pass; the old members stay known meanwhile.
        await this.deps.repo.saveSource({ ...source, readAt: now });
        this.deps.log.warn(
          { conversationId: source.conversationId, error: (error as Error).name },
          'roster read failed',
        );
      }
    }
    return stats;
  }

  /** The bot left a conversation: its roster is no longer read. */
  forget(conversationId: string): Promise<void> {
    return this.deps.repo.dropSource(conversationId);
  }

  member(tenantId: string, aadObjectId: string): Promise<KnownMember | null> {
    return this.deps.repo.getMember(tenantId, aadObjectId.toLowerCase());
  }

  /** The members listed in a conversation's roster (for cards that pick people). */
  membersOf(tenantId: string, conversationId: string): Promise<KnownMember[]> {
    return this.deps.repo.membersOf(tenantId, conversationId);
  }

  /**
   * The person's 1:1 chat with the bot: the one stored, the one they opened by writing, or a new
   * one created through the connector with their roster id. Other failures than 403/404 throw.
   */
  async reach(tenantId: string, aadObjectIdRaw: string): Promise<Reach> {
    const { repo, roster, conversations, clock } = this.deps;
    const aadObjectId = aadObjectIdRaw.toLowerCase();
    const known = await repo.getChat(tenantId, aadObjectId);
    if (known) return { kind: 'chat', conversationId: known.conversationId };
    const remember = async (conversationId: string) => {
      await repo.insertChat({ tenantId, aadObjectId, conversationId, openedAt: clock.now() });
      return { kind: 'chat' as const, conversationId };
    };
    const written = await conversations.personalConversationOf(tenantId, aadObjectId);
    if (written) return remember(written.id);
    const member = await repo.getMember(tenantId, aadObjectId);
    if (!member) return { kind: 'unknown' };
    for (const via of [...member.conversationIds].reverse()) {
      const record = await conversations.find(via);
      if (!record) continue;
      const opened = await roster.openPersonal(sourceOf(record, tenantId), member);
      if (opened === 'unreachable') return { kind: 'unreachable' };
      await conversations.remember(
        { id: opened.conversationId, tenantId, type: 'personal' },
        opened.reference,
        record.serviceUrl,
      );
      return remember(opened.conversationId);
    }
    return { kind: 'unknown' };
  }

  /**
   * The outbox's view of conversations: a `person:<tenant>:<aadObjectId>` address is the person's
   * 1:1 chat (opened now if need be); null when it cannot be opened (the message is then
   * dead-lettered, where admins see it); anything else is a stored conversation.
   */
  directory(): {
    find(id: string): Promise<{ reference: Readonly<Record<string, unknown>> } | null>;
    findMany(
      ids: readonly string[],
    ): Promise<Map<string, { reference: Readonly<Record<string, unknown>> }>>;
  } {
    const find = async (id: string) => {
      const person = parsePersonAddress(id);
      if (!person) return this.deps.conversations.find(id);
      const reach = await this.reach(person.tenantId, person.aadObjectId);
      return reach.kind === 'chat' ? this.deps.conversations.find(reach.conversationId) : null;
    };
    return {
      find,
      // The outbox reads a pass's references at once: stored conversations in one query, person
      // addresses each resolved (and their chat opened) as `find` does.
      findMany: async (ids) => {
        const people = ids.filter((id) => parsePersonAddress(id));
        const stored = ids.filter((id) => !parsePersonAddress(id));
        const found = new Map<string, { reference: Readonly<Record<string, unknown>> }>();
        if (this.deps.conversations.findMany)
          for (const [id, record] of await this.deps.conversations.findMany(stored))
            found.set(id, record);
        else
          for (const id of stored) {
            const record = await this.deps.conversations.find(id);
            if (record) found.set(id, record);
          }
        for (const id of people) {
          const record = await find(id);
          if (record) found.set(id, record);
        }
        return found;
      },
    };
  }
}

function sourceOf(record: ConversationRecord, tenantId: string): RosterSource {
  return { tenantId, reference: record.reference, serviceUrl: record.serviceUrl };
}
