import { randomBytes } from 'node:crypto';
import type { Actor } from '../../core/actor';
import { auditEntry, type AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import type { DownloadLinks, DownloadOwner, Download } from '../../core/downloads';
import { AppError } from '../../core/errors';
import { authorize } from '../../core/permissions';
import type { PersonalDataItem, PersonalDataSource } from '../../core/personal-data';
import { newUnitId, type UnitOfWork } from '../../core/unit-of-work';
import type { Locale } from '../../i18n/i18n';
import type { MongoPrivacyRepository } from './privacy.repository';
import { personCsv, personJson } from './privacy.files';

/** How long an export's link works. */
export const EXPORT_TTL_MS = 15 * 60_000;

export interface KnownPerson {
  aadObjectId: string;
  displayName: string;
}

export interface PrivacyPeople {
  /** Users whose Entra id is the query, or whose name contains it (authorizes people.privacy). */
  findPeople(actor: Actor, query: string): Promise<KnownPerson[]>;
  /** The stored user with this id, or null. */
  actorFor(tenantId: string, aadObjectId: string): Promise<KnownPerson | null>;
  isConfigAdmin(aadObjectId: string): boolean;
}

export interface PrivacyServiceDeps {
  repo: MongoPrivacyRepository;
  people: PrivacyPeople;
  /** Every module's sources and the kernel's (read when asked). */
  sources: () => readonly PersonalDataSource[];
  units: UnitOfWork;
  audit: AuditLog;
  clock: Clock;
  links: DownloadLinks;
}

export interface PersonSection {
  name: string;
  label: { sv: string; en: string };
  items: PersonalDataItem[];
}

export interface PersonReport {
  userId: string;
  /** The stored user (null when only other records name the id, e.g. after a crash). */
  person: KnownPerson | null;
  sections: PersonSection[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$/;

/**
 * Requests about a person (GDPR articles 15 and 17–18 as far as this bot goes): an admin lists
 * and exports everything stored about a staff member, and replaces their identity with a
 * pseudonym. Every step is audited (never with the person's data).
 */
export class PrivacyService {
  constructor(private readonly deps: PrivacyServiceDeps) {}

  /** The users a query names (an Entra id, or a name or part of one). */
  async find(actor: Actor, query: string): Promise<KnownPerson[]> {
    authorize(actor, 'people.privacy');
    const q = query.trim().toLowerCase();
    if (GUID.test(q)) {
      const known = await this.deps.people.actorFor(actor.tenantId, q);
      if (known) return [known];
      // Not a user (any more), but other records may still name the id: report on it as is.
      return [{ aadObjectId: q, displayName: '' }];
    }
    return this.deps.people.findPeople(actor, q);
  }

  /** Everything every module stores about the user; the read is audited. */
  async report(actor: Actor, userIdRaw: string): Promise<PersonReport> {
    authorize(actor, 'people.privacy');
    const userId = userIdRaw.toLowerCase();
    const person = await this.deps.people.actorFor(actor.tenantId, userId);
    const sections: PersonSection[] = [];
    for (const s of this.deps.sources())
      sections.push({
        name: s.name,
        label: s.label,
        items: await s.collect(actor.tenantId, userId),
      });
    await this.deps.audit.record(
      auditEntry(actor, this.deps.clock.now(), 'person.report', userId, {
        records: sections.reduce((n, s) => n + s.items.length, 0),
      }),
    );
    return { userId, person, sections };
  }

  /** The report as a JSON or CSV file behind a link signed for this admin (15 minutes). */
  async createExport(
    actor: Actor,
    userId: string,
    format: 'json' | 'csv',
    locale: Locale,
  ): Promise<{ url: string; count: number }> {
    const report = await this.report(actor, userId);
    const now = this.deps.clock.now();
    const id = randomBytes(16).toString('hex');
    const expiresAt = new Date(now.getTime() + EXPORT_TTL_MS);
    const count = report.sections.reduce((n, s) => n + s.items.length, 0);
    await this.deps.repo.insertExport({
      _id: id,
      tenantId: actor.tenantId,
      actorId: actor.aadObjectId ?? '',
      subjectId: report.userId,
      createdAt: now,
      expiresAt,
      filename: `registerutdrag-${report.userId}.${format}`,
      contentType:
        format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
      body: format === 'json' ? personJson(report, now) : personCsv(report, locale),
    });
    await this.deps.audit.record(
      auditEntry(actor, now, 'person.export', report.userId, { format, count }),
    );
    const owner = { tenantId: actor.tenantId, userId: actor.aadObjectId ?? '' };
    return { url: this.deps.links.link('person', id, owner, expiresAt), count };
  }

  async download(id: string, now: Date, owner: DownloadOwner): Promise<Download | null> {
    const doc = await this.deps.repo.findLiveExport(id, now);
    if (!doc || doc.tenantId !== owner.tenantId || doc.actorId !== owner.userId) return null;
    return { filename: doc.filename, contentType: doc.contentType, body: doc.body };
  }

  sweep(now: Date): Promise<number> {
    return this.deps.repo.deleteExpired(now);
  }

  /**
   * Replaces the user's identity with a pseudonym (`anon-` and 12 random hex digits) in every
   * module: first the pseudonym is fixed (so a run taken over after a crash uses the same one),
   * then each source replaces what it holds (the people module last: until it is done, the
   * user can still be found by name), then the change is recorded and the link between the
   * two deleted. Refused for oneself and for administrators named in configuration.
   */
  async pseudonymize(
    actor: Actor,
    userIdRaw: string,
    operationId?: string,
  ): Promise<{ pseudonym: string; count: number }> {
    authorize(actor, 'people.privacy');
    const { repo, people, clock } = this.deps;
    const userId = userIdRaw.toLowerCase();
    if (userId === actor.aadObjectId)
      throw new AppError('conflict', { reason: 'selfPseudonymize' });
    if (people.isConfigAdmin(userId)) throw new AppError('conflict', { reason: 'configAdmin' });
    const known = await people.actorFor(actor.tenantId, userId);
    if (!known && !(await repo.inProgress(actor.tenantId, userId))) throw new AppError('notFound');
    const now = clock.now();
    const pseudonym = await repo.begin(
      actor.tenantId,
      userId,
      `anon-${randomBytes(6).toString('hex')}`,
      actor.aadObjectId ?? '',
      now,
    );
    const sources = [...this.deps.sources()].sort(
      (a, b) => Number(a.name === 'people') - Number(b.name === 'people'),
    );
    // Prepared exports about the person hold their identity: gone at once.
    let count = await repo.deleteAbout(actor.tenantId, userId);
    for (const s of sources) count += await s.pseudonymize(actor.tenantId, userId, pseudonym);
    const unitId = operationId ?? newUnitId('person.pseudonymize');
    await this.deps.units.commit({
      id: unitId,
      writes: [],
      audit: [auditEntry(actor, now, 'person.pseudonymize', pseudonym, { records: count })],
      ...(operationId
        ? {
            operation: {
              id: operationId,
              verb: 'privacy.pseudonymize',
              result: { pseudonym, count: String(count) },
            },
          }
        : {}),
    });
    await repo.finish(actor.tenantId, userId);
    return { pseudonym, count };
  }
}
