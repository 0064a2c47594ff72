import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { ManualClock } from '../../../src/core/clock';
import { AppError } from '../../../src/core/errors';
import { MongoAuditLog } from '../../../src/infra/db/audit.repository';
import { MongoPeopleRepository } from '../../../src/capabilities/people/people.repository';
import { PeopleService } from '../../../src/capabilities/people/people.service';
import { openTestDb } from '../../harness/test-db';

const ADMIN = 'aaaaaaaa-0000-4000-8000-000000000001';
const ANNA = 'bbbbbbbb-0000-4000-8000-000000000002';
const BO = 'cccccccc-0000-4000-8000-000000000003';

/** The people service on the real repository and audit log (each test in a tenant of its own). */
describe('PeopleService rules', () => {
  let db: Db;
  let close: () => Promise<void>;
  let audit: MongoAuditLog;
  let clock: ManualClock;
  let service: PeopleService;
  let T = '';
  let tenants = 0;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('peoplesvc'));
    const repo = new MongoPeopleRepository(db);
    await repo.init();
    audit = new MongoAuditLog(db);
    await audit.init();
    clock = new ManualClock('2026-11-24T08:00:00Z');
    service = new PeopleService({
      repo,
      audit,
      clock,
      configAdmins: [ADMIN],
      organisationCodes: ['school', 'police'],
    });
  });
  afterAll(async () => {
    await close();
  });
  beforeEach(() => {
    T = `tenant-${++tenants}`;
  });

  const actor = (oid: string, name = 'X', locale?: 'sv' | 'en') =>
    service.resolveActor({
      tenantId: T,
      aadObjectId: oid.toUpperCase(),
      displayName: name,
      locale,
    });
  const users = () => db.collection('users').countDocuments({ tenantId: T });
  const actions = async () => (await audit.list(T)).map((e) => e.action).reverse();

  it('remembers users, normalises ids, and makes configured admins admin', async () => {
    const admin = await actor(ADMIN, 'Admin');
    expect(admin.aadObjectId).toBe(ADMIN);
    expect([...admin.roles]).toEqual(['admin']);
    const anna = await actor(ANNA, 'Anna');
    expect(anna.roles.size).toBe(0);
    await actor(ANNA, 'Anna');
    expect(await users()).toBe(2);
  });

  it('keeps the name and language up to date, and falls back to the stored language', async () => {
    await actor(ANNA, 'Anna', 'en');
    clock.advance(60_000);
    await actor(ANNA, 'Anna Andersson');
    const without = await service.resolveActor({
      tenantId: T,
      aadObjectId: ANNA,
      displayName: '',
    });
    expect(without.locale).toBe('en');
    const admin = await actor(ADMIN);
    expect((await service.listUsers(admin)).find((u) => u.aadObjectId === ANNA)?.displayName).toBe(
      'Anna Andersson',
    );
  });

  it('gives no roles to an activity without an Entra object id and stores nothing', async () => {
    const anon = await service.resolveActor({
      tenantId: T,
      aadObjectId: undefined,
      displayName: 'Guest',
    });
    expect(anon.roles.size).toBe(0);
    expect(await users()).toBe(0);
  });

  it('lets only admins change roles, and audits changes but not no-ops', async () => {
    const admin = await actor(ADMIN);
    const anna = await actor(ANNA);
    await expect(service.grantRole(anna, ANNA, 'admin')).rejects.toEqual(
      new AppError('forbidden', { needs: 'admin' }),
    );
    expect((await service.grantRole(admin, ANNA, 'chair')).outcome).toBe('changed');
    expect((await service.grantRole(admin, ANNA, 'chair')).outcome).toBe('unchanged');
    expect(await actions()).toEqual(['role.grant']);
    expect([...(await actor(ANNA)).roles]).toEqual(['chair']);
    clock.advance(60_000); // the audit trail lists by time
    expect((await service.revokeRole(admin, ANNA, 'chair')).outcome).toBe('changed');
    expect((await service.revokeRole(admin, ANNA, 'chair')).outcome).toBe('unchanged');
    expect(await actions()).toEqual(['role.grant', 'role.revoke']);
    expect((await actor(ANNA)).roles.size).toBe(0);
  });

  it('validates roles, organisations and targets', async () => {
    const admin = await actor(ADMIN);
    await actor(ANNA);
    await expect(service.addOrganisation(admin, ANNA, 'mars')).rejects.toMatchObject({
      code: 'invalidInput',
    });
    await expect(service.grantRole(admin, ANNA, 'king' as never)).rejects.toMatchObject({
      code: 'invalidInput',
      params: { field: 'role' },
    });
    await expect(
      service.grantRole(admin, 'dddddddd-0000-4000-8000-000000000004', 'staff'),
    ).rejects.toMatchObject({ code: 'notFound' });
    expect((await service.addOrganisation(admin, ANNA, 'police')).user.organisations).toEqual([
      'police',
    ]);
    expect((await actor(ANNA)).organisations).toEqual(['police']);
  });

  it('protects configured admins and an admin’s own admin role', async () => {
    const admin = await actor(ADMIN);
    await actor(ANNA);
    await service.grantRole(admin, ANNA, 'admin');
    const anna = await actor(ANNA);
    await expect(service.revokeRole(anna, ADMIN, 'admin')).rejects.toMatchObject({
      code: 'conflict',
      params: { reason: 'configAdmin' },
    });
    await expect(service.revokeRole(anna, ANNA, 'admin')).rejects.toMatchObject({
      code: 'conflict',
      params: { reason: 'selfRevokeAdmin' },
    });
  });

  it('lists the tenant’s users by name with their roles and organisations (admins only)', async () => {
    const admin = await actor(ADMIN, 'Ylva Admin');
    const anna = await actor(ANNA, 'Anna');
    await actor(BO, 'Bo');
    await service.grantRole(admin, BO, 'staff');
    await service.grantRole(admin, BO, 'chair');
    await service.addOrganisation(admin, BO, 'school');
    await service.addOrganisation(admin, BO, 'police');
    await expect(service.listUsers(anna)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await service.listUsers(admin)).toEqual([
      { aadObjectId: ANNA, displayName: 'Anna', roles: [], organisations: [], configAdmin: false },
      {
        aadObjectId: BO,
        displayName: 'Bo',
        roles: ['chair', 'staff'],
        organisations: ['police', 'school'],
        configAdmin: false,
      },
      {
        aadObjectId: ADMIN,
        displayName: 'Ylva Admin',
        roles: ['admin'],
        organisations: [],
        configAdmin: true,
      },
    ]);
  });

  it('names every administrator once, with the language each reads', async () => {
    const admin = await actor(ADMIN);
    await actor(ANNA, 'Anna', 'en');
    await actor(BO, 'Bo');
    await service.grantRole(admin, ANNA, 'admin');
    await service.grantRole(admin, ADMIN, 'admin');
    expect((await service.adminIds(T)).sort()).toEqual([ADMIN, ANNA]);
    expect(
      (await service.adminRecipients(T)).sort((a, b) => a.aadObjectId.localeCompare(b.aadObjectId)),
    ).toEqual([
      { aadObjectId: ADMIN, locale: 'sv' },
      { aadObjectId: ANNA, locale: 'en' },
    ]);
  });
});
