import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock';
import { AppError } from '../../../src/core/errors';
import { PeopleService } from '../../../src/capabilities/people/people.service';
import { FakePeopleRepository, fakeAudit } from './fakes';

const T = 'tenant-1';
const ADMIN = 'aaaaaaaa-0000-4000-8000-000000000001';
const ANNA = 'bbbbbbbb-0000-4000-8000-000000000002';

describe('PeopleService rules', () => {
  let repo: FakePeopleRepository;
  let audit: ReturnType<typeof fakeAudit>;
  let service: PeopleService;
  beforeEach(() => {
    repo = new FakePeopleRepository();
    audit = fakeAudit();
    service = new PeopleService({
      repo,
      audit,
      clock: new ManualClock(),
      configAdmins: [ADMIN],
      organisationCodes: ['school', 'police'],
    });
  });
  const actor = (oid: string, name = 'X') =>
    service.resolveActor({ tenantId: T, aadObjectId: oid.toUpperCase(), displayName: name });

  it('remembers users, normalises ids, and makes configured admins admin', async () => {
    const admin = await actor(ADMIN, 'Admin');
    expect(admin.aadObjectId).toBe(ADMIN);
    expect([...admin.roles]).toEqual(['admin']);
    const anna = await actor(ANNA, 'Anna');
    expect(anna.roles.size).toBe(0);
    expect(repo.users.size).toBe(2);
  });

  it('gives no roles to an activity without an Entra object id and stores nothing', async () => {
    const anon = await service.resolveActor({
      tenantId: T,
      aadObjectId: undefined,
      displayName: 'Guest',
    });
    expect(anon.roles.size).toBe(0);
    expect(repo.users.size).toBe(0);
  });

  it('lets only admins change roles, and audits changes but not no-ops', async () => {
    const admin = await actor(ADMIN);
    const anna = await actor(ANNA);
    await expect(service.grantRole(anna, ANNA, 'admin')).rejects.toEqual(
      new AppError('forbidden', { needs: 'admin' }),
    );
    expect((await service.grantRole(admin, ANNA, 'chair')).outcome).toBe('changed');
    expect((await service.grantRole(admin, ANNA, 'chair')).outcome).toBe('unchanged');
    expect(audit.entries.map((e) => e.action)).toEqual(['role.grant']);
    expect([...(await actor(ANNA)).roles]).toEqual(['chair']);
  });

  it('validates roles, organisations and targets', async () => {
    const admin = await actor(ADMIN);
    await actor(ANNA);
    await expect(service.addOrganisation(admin, ANNA, 'mars')).rejects.toMatchObject({
      code: 'invalidInput',
    });
    await expect(
      service.grantRole(admin, 'cccccccc-0000-4000-8000-000000000003', 'staff'),
    ).rejects.toMatchObject({ code: 'notFound' });
    expect((await service.addOrganisation(admin, ANNA, 'police')).user.organisations).toEqual([
      'police',
    ]);
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
});
