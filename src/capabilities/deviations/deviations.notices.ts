import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { DomainEvents } from '../../core/events';
import type { OrganisationDirectory } from '../../core/organisations';
import type { Outbox } from '../../core/outbox';
import type { Locale, Translate } from '../../i18n/i18n';
import { formatMeetingDate } from '../calendar';
import type { DeviationsConfig } from './deviations.config';
import { ABSENT_CATEGORY } from './deviations.config';
import { noticeCard, type Fact } from './deviations.cards';
import type {
  DeviationForums,
  DeviationPeople,
  DeviationsRepository,
  PersonalChat,
  Recipient,
} from './deviations.ports';
import type { DeviationRecord } from './deviations.types';
import { UNANSWERED_STATES } from './deviations.types';

export interface NoticeDeps {
  repo: DeviationsRepository;
  forums: DeviationForums;
  people: DeviationPeople;
  personalChat: PersonalChat;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  t: (locale: Locale) => Translate;
  orgs: OrganisationDirectory;
  config: DeviationsConfig;
  categoryName(code: string, locale: Locale): string;
}

export interface ChaseStats {
  unanswered: number;
  enqueued: number;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Everything deviations tell people, always in their personal chat, through the outbox, under
 * deterministic ids (so any number of instances, retries and redelivered events make one
 * message): routing to the managers of each organisation concerned, admins when an organisation
 * has no manager to reach, reminders before and after the reply date (once per threshold), the
 * recurring-category flag to the steering forums' chairs, and the chair's offer after minutes
 * that recorded an organisation absent. Messages carry codes and fixed labels, never the text.
 */
export class DeviationNotices {
  /** Per-instance memo of ids already handed to the outbox (saves an insert attempt per pass). */
  private readonly queued = new Set<string>();
  /** Per-instance memo of reminder steps already handled (saves the recipients' look-ups). */
  private readonly stepsDone = new Set<string>();

  constructor(private readonly deps: NoticeDeps) {}

  /** A new deviation: its managers get it with a button to take it on; else the admins. */
  async route(tenantId: string, code: string): Promise<void> {
    const record = await this.deps.repo.get(tenantId, code);
    if (!record) return;
    await this.toManagers(record, 'routed', this.deps.clock.now());
  }

  /**
   * The scheduler's pass: unanswered deviations remind their managers as the reply date nears
   * (each configured threshold) and once it has passed. A threshold passed while the bot was
   * down is queued expiring at the reply date, so it is never sent after the reply date.
   */
  async chase(now: Date): Promise<ChaseStats> {
    const stats: ChaseStats = { unanswered: 0, enqueued: 0 };
    for (const record of await this.deps.repo.listInStates(undefined, UNANSWERED_STATES)) {
      stats.unanswered++;
      const due = record.replyDueAt.getTime();
      for (const days of this.deps.config.reminderDaysBefore) {
        const at = new Date(due - days * DAY);
        if (now >= at)
          stats.enqueued += await this.toManagers(record, `d${days}`, at, record.replyDueAt);
      }
      if (now.getTime() >= due)
        stats.enqueued += await this.toManagers(record, 'overdue', record.replyDueAt);
    }
    return stats;
  }

  /**
   * A category reported `recurringThreshold` times or more in a term for the same pair of
   * organisations (reporting ↔ concerned, either way round) is flagged once per term, category
   * and pair to the chairs of the steering forums.
   */
  async checkRecurring(tenantId: string, code: string): Promise<void> {
    const record = await this.deps.repo.get(tenantId, code);
    if (!record?.term) return;
    const same = await this.deps.repo.listByTermAndCategory(tenantId, record.term, record.category);
    const steering = (await this.deps.forums.allForums()).filter(
      (f) => f.tenantId === tenantId && this.deps.config.escalationForumKinds.includes(f.kind),
    );
    for (const pair of pairsOf(record)) {
      const count = same.filter((r) => pairsOf(r).includes(pair)).length;
      if (count < this.deps.config.recurringThreshold) continue;
      const [a = '', b = ''] = pair.split('+');
      for (const forum of steering) {
        for (const chair of forum.chairs) {
          const locale = await this.deps.people.localeOf(tenantId, chair);
          const t = this.deps.t(locale);
          await this.send(tenantId, chair, {
            id: `deviation.recurring:${tenantId}:${record.term}:${record.category}:${pair}:${forum.id}:${chair}`,
            kind: 'deviation.recurring',
            card: noticeCard(t, {
              title: t('deviations.notice.recurringTitle'),
              lines: [
                t('deviations.notice.recurring', {
                  category: this.deps.categoryName(record.category, locale),
                  count,
                  term: record.term,
                  a: this.deps.orgs.name(a, locale),
                  b: this.deps.orgs.name(b, locale),
                  forum: forum.name,
                }),
              ],
              facts: [],
            }),
            refs: { forumId: forum.id, category: record.category },
          });
        }
      }
    }
  }

  /**
   * Minutes recorded a member organisation absent: the chair who saved them is offered a
   * prefilled "organisation absent from a forum" deviation to confirm (nothing is created until
   * the chair sends the form).
   */
  async offerAbsence(tenantId: string, e: DomainEvents['minutes.saved']): Promise<void> {
    if (!this.deps.config.categories.some((c) => c.code === ABSENT_CATEGORY)) return;
    const forum = await this.deps.forums.getForum(tenantId, e.forumId);
    if (!forum) return;
    const date = /:(\d{4}-\d{2}-\d{2})$/.exec(e.meetingId)?.[1];
    for (const [org, presence] of Object.entries(e.attendance)) {
      if (presence !== 'absent' || !forum.organisations.includes(org)) continue;
      const locale = await this.deps.people.localeOf(tenantId, e.by);
      const t = this.deps.t(locale);
      const when = date
        ? formatMeetingDate(new Date(`${date}T12:00:00Z`), this.deps.config.timeZone, locale)
        : e.meetingId;
      await this.send(tenantId, e.by, {
        id: `deviation.absenceOffer:${tenantId}:${e.meetingId}:${org}:${e.by}`,
        kind: 'deviation.absenceOffer',
        card: noticeCard(t, {
          title: t('deviations.notice.absenceTitle'),
          lines: [
            t('deviations.notice.absence', {
              organisation: this.deps.orgs.name(org, locale),
              forum: forum.name,
              date: when,
            }),
          ],
          facts: [],
          open: { absentFrom: e.meetingId, organisation: org },
          openTitle: t('deviations.notice.absenceButton'),
        }),
        refs: { forumId: forum.id, meetingId: e.meetingId, organisation: org },
      });
    }
  }

  /**
   * The managers of each organisation concerned (the one who took it on, once taken), each
   * told once under `<kind>:<tenant>:<code>:<step>:<person>`. An organisation with no manager to
   * reach is shown to the admins (once per deviation and organisation). Returns how many
   * messages were new.
   */
  private async toManagers(
    record: DeviationRecord,
    step: string,
    notBefore: Date,
    expiresAt?: Date,
  ): Promise<number> {
    const { tenantId, code } = record;
    let enqueued = 0;
    const reminder = step !== 'routed';
    const stepKey = `${tenantId}:${code}:${step}:${record.handledBy ?? ''}`;
    if (reminder && this.stepsDone.has(stepKey)) return 0;
    const recipients = new Map<string, Recipient>();
    const unreachable: string[] = [];
    for (const org of record.concerned) {
      let reached = false;
      for (const m of await this.deps.people.managersOf(tenantId, org)) {
        if (reminder && record.handledBy && m.aadObjectId !== record.handledBy) continue;
        if (await this.deps.personalChat(tenantId, m.aadObjectId)) {
          recipients.set(m.aadObjectId, m);
          reached = true;
        }
      }
      if (!reached && !(reminder && record.handledBy)) unreachable.push(org);
    }
    for (const m of recipients.values()) {
      const t = this.deps.t(m.locale);
      const created = await this.send(tenantId, m.aadObjectId, {
        id: `deviation.${reminder ? 'reminder' : 'routed'}:${tenantId}:${code}:${reminder ? `${step}:` : ''}${m.aadObjectId}`,
        kind: reminder ? 'deviation.reminder' : 'deviation.routed',
        card: noticeCard(t, {
          title: this.titleFor(t, record, step),
          lines: [t(reminder ? 'deviations.notice.reminderText' : 'deviations.notice.routedText')],
          facts: this.facts(t, m.locale, record),
          show: code,
          take: !reminder && record.state === 'reported' ? code : undefined,
          showTitle: t('deviations.notice.show'),
          takeTitle: t('deviations.notice.take'),
        }),
        notBefore,
        ...(expiresAt ? { expiresAt } : {}),
        refs: { code },
      });
      if (created) enqueued++;
    }
    for (const org of unreachable) {
      for (const admin of await this.deps.people.adminRecipients(tenantId)) {
        const t = this.deps.t(admin.locale);
        const created = await this.send(tenantId, admin.aadObjectId, {
          id: `deviation.unrouted:${tenantId}:${code}:${org}:${admin.aadObjectId}`,
          kind: 'deviation.unrouted',
          card: noticeCard(t, {
            title: t('deviations.notice.unroutedTitle', { code }),
            lines: [
              t('deviations.notice.unrouted', {
                code,
                organisation: this.deps.orgs.name(org, admin.locale),
              }),
            ],
            facts: this.facts(t, admin.locale, record),
            show: code,
            showTitle: t('deviations.notice.show'),
          }),
          refs: { code, organisation: org },
        });
        if (created) enqueued++;
      }
    }
    if (reminder) this.stepsDone.add(stepKey);
    return enqueued;
  }

  private titleFor(t: Translate, r: DeviationRecord, step: string): string {
    if (step === 'routed') return t('deviations.notice.routedTitle', { code: r.code });
    if (step === 'overdue') return t('deviations.notice.overdueTitle', { code: r.code });
    return t('deviations.notice.nearTitle', { code: r.code, days: step.slice(1) });
  }

  private facts(t: Translate, locale: Locale, r: DeviationRecord): Fact[] {
    const { orgs, config } = this.deps;
    return [
      { title: t('deviations.field.category'), value: this.deps.categoryName(r.category, locale) },
      {
        title: t('deviations.field.concerned'),
        value: r.concerned.map((o) => orgs.name(o, locale)).join(', '),
      },
      {
        title: t('deviations.field.reportingOrganisation'),
        value: orgs.name(r.reportingOrganisation, locale),
      },
      {
        title: t('deviations.field.occurredOn'),
        value: formatMeetingDate(new Date(`${r.occurredOn}T12:00:00Z`), config.timeZone, locale),
      },
      {
        title: t('deviations.field.replyDue'),
        value: formatMeetingDate(r.replyDueAt, config.timeZone, locale),
      },
    ];
  }

  /** One message to a person's personal chat; false when it existed or they cannot be reached. */
  private async send(
    tenantId: string,
    aadObjectId: string,
    m: {
      id: string;
      kind: string;
      card: ReturnType<typeof noticeCard>;
      notBefore?: Date;
      expiresAt?: Date;
      refs: Record<string, string>;
    },
  ): Promise<boolean> {
    if (this.queued.has(m.id)) return false;
    const conversationId = await this.deps.personalChat(tenantId, aadObjectId);
    if (!conversationId) {
      this.deps.log.info({ kind: m.kind }, 'deviation notice: recipient has no personal chat');
      return false;
    }
    const outcome = await this.deps.outbox.enqueue({
      id: m.id,
      tenantId,
      conversationId,
      kind: m.kind,
      payload: { card: m.card },
      notBefore: m.notBefore ?? this.deps.clock.now(),
      ...(m.expiresAt ? { expiresAt: m.expiresAt } : {}),
      refs: m.refs,
    });
    this.queued.add(m.id);
    return outcome === 'created';
  }
}

/** The pairs of organisations of a deviation: the reporting one with each concerned one. */
export function pairsOf(r: Pick<DeviationRecord, 'reportingOrganisation' | 'concerned'>): string[] {
  return r.concerned
    .filter((c) => c !== r.reportingOrganisation)
    .map((c) => [r.reportingOrganisation, c].sort().join('+'));
}
