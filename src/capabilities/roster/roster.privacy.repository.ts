import type { Db } from 'mongodb';
import { isoDate, type PersonalDataItem, type PersonalDataSource } from '../../core/personal-data';

interface MemberDoc {
  _id: string;
  tenantId: string;
  aadObjectId: string;
  rosterId: string;
  name: string;
  conversationIds: string[];
  seenAt: Date;
}
interface ChatDoc {
  _id: string;
  tenantId: string;
  aadObjectId: string;
  conversationId: string;
  openedAt: Date;
}

/**
 * Requests about a person for the roster capability: the roster member record (Entra id, name,
 * Teams roster id, the conversations whose rosters list them) and the 1:1 chat the bot opened
 * with them, both by `<tenant>:<aadObjectId>`. Both only serve to reach the person, so
 * pseudonymizing deletes them (as the conversations capability does with personal chats): a
 * renamed record could reach nobody. If the person is still a member of a team or chat whose
 * roster the bot reads, the next read knows them again, as a new member without any history.
 */
export function rosterPersonalData(db: Db): PersonalDataSource[] {
  const members = db.collection<MemberDoc>('rosterMembers');
  const chats = db.collection<ChatDoc>('personalChats');
  const key = (tenantId: string, userId: string) => `${tenantId}:${userId}`;
  return [
    {
      name: 'roster',
      label: {
        sv: 'Teams-medlemslistor och personliga chattar som boten öppnat',
        en: 'Teams rosters and personal chats the bot opened',
      },
      collect: async (tenantId, userId): Promise<PersonalDataItem[]> => {
        const [member, chat] = await Promise.all([
          members.findOne({ _id: key(tenantId, userId) }),
          chats.findOne({ _id: key(tenantId, userId) }),
        ]);
        return [
          ...(member
            ? [
                {
                  record: 'rosterMember',
                  name: member.name,
                  rosterId: member.rosterId,
                  conversations: member.conversationIds.length,
                  seenAt: isoDate(new Date(member.seenAt)),
                },
              ]
            : []),
          ...(chat
            ? [
                {
                  record: 'personalChat',
                  conversationId: chat.conversationId,
                  openedAt: isoDate(new Date(chat.openedAt)),
                },
              ]
            : []),
        ];
      },
      pseudonymize: async (tenantId, userId) => {
        const _id = key(tenantId, userId);
        const gone = await Promise.all([members.deleteOne({ _id }), chats.deleteOne({ _id })]);
        return gone.reduce((n, r) => n + r.deletedCount, 0);
      },
    },
  ];
}
