import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { PROJECT_ROOT, uniqueDbName } from '../harness/test-bot';
import { TENANT } from '../fixtures/activities';

const fossam = `
  - id: fossam
    name: Fossam
    code: FOS
    organisations: [school, socialServices, firstLine]
    schedule:
      recurrence: { kind: weekly, interval: 1, weekdays: [thursday] }
      startTime: "13:00"
      durationMinutes: 120
      firstDate: "2027-01-14"
      deadline: { workingDaysBefore: 2, time: "12:00" }
`;
const styrgrupp = `
  - id: styrgrupp
    name: Styrgrupp BUS
    code: BUS
    kind: steeringGroup
    organisations: [school, socialServices, police, leisure]
    schedule:
      recurrence: { kind: monthlyNthWeekday, interval: 1, nth: 2, weekday: tuesday }
      startTime: "09:00"
      durationMinutes: 90
      firstDate: "2027-01-01"
      holidayPolicy: moveToNextWorkingDay
      deadline: { workingDaysBefore: 5, time: "16:00" }
`;

describe('npm run forums:import', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'samverkan-import-'));
  const dbName = uniqueDbName('imp');
  const client = new MongoClient(inject('mongoUri'));
  afterAll(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (content: string, name = 'forums.yaml') => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB: dbName,
    };
    return spawnSync(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        'tools/forums-import.ts',
        file,
      ],
      {
        cwd: PROJECT_ROOT,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
  };
  const forums = () => client.db(dbName).collection('forums').countDocuments();

  it('imports nothing when any entry is invalid, and names each entry and field', async () => {
    const bad = styrgrupp
      .replace('startTime: "09:00"', 'startTime: "9 am"')
      .replace('police, leisure', 'police, library');
    const res = run(`tenantId: ${TENANT}\nforums:${fossam}${bad}`);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('forum #2 (styrgrupp): schedule.startTime');
    expect(res.stderr).toContain('forum #2 (styrgrupp): organisations: unknown code(s) library');
    expect(res.stderr).toContain('nothing was imported');
    expect(await forums()).toBe(0);
  });

  it('imports a valid YAML file with its meetings, and refuses to import the same ids again', async () => {
    const ok = run(`tenantId: ${TENANT}\nforums:${fossam}${styrgrupp}`);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('imported 2 forum(s): fossam, styrgrupp');
    expect(await forums()).toBe(2);
    const meetings = client.db(dbName).collection('meetings');
    expect(await meetings.countDocuments({ forumId: 'styrgrupp' })).toBeGreaterThan(0);

    const again = run(
      JSON.stringify({ tenantId: TENANT, forums: [{ id: 'fossam' }] }),
      'again.json',
    );
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('forum #1 (fossam)');
    expect(await forums()).toBe(2);
  });
});
