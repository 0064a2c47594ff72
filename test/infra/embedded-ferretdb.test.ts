import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MongoClient, ObjectId } from 'mongodb';
import {
  EmbeddedDbError,
  ensureFerretDbBinary,
  readRunFile,
  restartDelayMs,
  startEmbeddedDb,
} from '../../src/infra/db/embedded-ferretdb';
import { PROJECT_ROOT } from '../harness/test-bot';
import { until } from '../harness/bot-process';

describe('embedded FerretDB', () => {
  const temp: string[] = [];
  const tempDir = (p: string) => {
    const d = mkdtempSync(path.join(tmpdir(), p));
    temp.push(d);
    return d;
  };
  afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('keeps data in its folder across a stop and a start, and listens on loopback only', async () => {
    const dataDir = tempDir('samverkan-fdb-');
    const first = await startEmbeddedDb({ projectRoot: PROJECT_ROOT, dataDir });
    expect(first.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    let client = await new MongoClient(first.uri).connect();
    await client
      .db('persist')
      .collection('c')
      .insertOne({ _id: 'x' as never, n: 1 });
    await client.close();
    await first.stop();

    const second = await startEmbeddedDb({ projectRoot: PROJECT_ROOT, dataDir });
    client = await new MongoClient(second.uri).connect();
    expect(await client.db('persist').collection('c').findOne({})).toEqual({ _id: 'x', n: 1 });
    await client.close();
    await second.stop();
    await second.stop(); // idempotent
  });

  it('restarts a FerretDB that died on the same port and folder, and not after stop()', async () => {
    const dataDir = tempDir('samverkan-fdb-sup-');
    const errors: Record<string, unknown>[] = [];
    const log = {
      info: () => undefined,
      warn: () => undefined,
      error: (o: Record<string, unknown>) => void errors.push(o),
    } as never;
    const db = await startEmbeddedDb({ projectRoot: PROJECT_ROOT, dataDir, log });
    const client = await new MongoClient(db.uri, { serverSelectionTimeoutMS: 5_000 }).connect();
    try {
      await client
        .db('sup')
        .collection('c')
        .insertOne({ _id: 'kept' as never });
      const pid = db.pid()!;
      expect(readRunFile(dataDir)?.childPid).toBe(pid);
      process.kill(pid, 'SIGKILL');
      await until('down', () => (db.healthy() ? undefined : true), 1_000, 10);
      expect(errors[0]).toMatchObject({ signal: 'SIGKILL', pid, restartInMs: 500 });
      const again = await until(
        'restarted',
        () => (db.healthy() ? db.pid() : undefined),
        5_000,
        20,
      );
      expect(again).not.toBe(pid);
      expect(readRunFile(dataDir)?.childPid).toBe(again);
      // The same URI: the driver reconnects by itself, and the data is there.
      expect(await client.db('sup').collection('c').findOne({})).toEqual({ _id: 'kept' });
    } finally {
      await client.close();
    }
    await db.stop();
    expect(db.healthy()).toBe(false);
    await new Promise((r) => setTimeout(r, 800));
    expect(errors).toHaveLength(1); // a clean stop is no death
    expect(readRunFile(dataDir)).toBeUndefined();
  });

  it('finds, updates and deletes by _id through the _id index (tools/ferretdb/source-edits.json)', async () => {
    const db = await startEmbeddedDb({
      projectRoot: PROJECT_ROOT,
      dataDir: tempDir('samverkan-fdb-id-'),
    });
    const client = await new MongoClient(db.uri).connect();
    try {
      const col = client.db('ids').collection<{ _id: string | ObjectId; n: number }>('c');
      const oid = new ObjectId();
      await col.insertMany([
        ...Array.from({ length: 50 }, (_, i) => ({ _id: `d${i}`, n: i })),
        { _id: oid, n: -1 },
      ]);
      // SQLite's own plan, as FerretDB's explain reports it: a SEARCH of the unique index, not
      // a SCAN of the table (unedited FerretDB v1.24.2 scans).
      const explained = (await client
        .db('ids')
        .command({ explain: { find: 'c', filter: { _id: 'd7' } } })) as {
        queryPlanner: { Plan: string[] };
      };
      expect(explained.queryPlanner.Plan.join('\n')).toMatch(/SEARCH .* USING INDEX \S+__id_/);
      // The same path in updates and deletes, for string and ObjectId ids alike.
      expect(await col.findOne({ _id: 'd7' })).toEqual({ _id: 'd7', n: 7 });
      expect((await col.updateOne({ _id: 'd7' }, { $inc: { n: 100 } })).modifiedCount).toBe(1);
      expect((await col.updateOne({ _id: oid }, { $set: { n: -2 } })).modifiedCount).toBe(1);
      expect((await col.deleteOne({ _id: 'd8' })).deletedCount).toBe(1);
      expect(await col.findOne({ _id: 'd7' })).toEqual({ _id: 'd7', n: 107 });
      expect(await col.findOne({ _id: oid })).toEqual({ _id: oid, n: -2 });
      expect(await col.findOne({ _id: 'd8' })).toBeNull();
      expect(await col.countDocuments({})).toBe(50);
      // The replaced document keeps its _id lookup (an update writes the whole document back).
      await col.replaceOne({ _id: 'd9' }, { n: 9_000 });
      expect(await col.findOne({ _id: 'd9' })).toEqual({ _id: 'd9', n: 9_000 });
    } finally {
      await client.close();
      await db.stop();
    }
  });

  it('stops the build when a source edit no longer finds its text', () => {
    const root = tempDir('samverkan-edit-');
    const dir = path.join(root, 'tools', 'ferretdb');
    cpSync(path.join(PROJECT_ROOT, 'tools', 'ferretdb'), dir, { recursive: true });
    const file = path.join(dir, 'source-edits.json');
    const edits = JSON.parse(readFileSync(file, 'utf8')) as { edits: { from: string }[] };
    edits.edits[0]!.from = 'text FerretDB does not have';
    writeFileSync(file, JSON.stringify(edits));
    expect(() => ensureFerretDbBinary(root)).toThrow(
      /source edit "idColumn" expects its text once/,
    );
  });

  it('backs off 0.5 s, 1 s, 2 s … up to 10 s between restarts', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(restartDelayMs)).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });

  it('reuses the built binary while its sources are unchanged', () => {
    const binary = ensureFerretDbBinary(PROJECT_ROOT);
    expect(binary).toBe(path.join(PROJECT_ROOT, '.cache', 'ferretdb', 'samverkan-ferretdb'));
    const started = Date.now();
    ensureFerretDbBinary(PROJECT_ROOT);
    expect(Date.now() - started).toBeLessThan(2_000); // no rebuild: a hash check only
  });

  it('says exactly what to install, or to set MONGODB_URI, when Go is missing', () => {
    const root = tempDir('samverkan-nogo-');
    cpSync(path.join(PROJECT_ROOT, 'tools', 'ferretdb'), path.join(root, 'tools', 'ferretdb'), {
      recursive: true,
    });
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(root, 'no-bin-here');
    try {
      expect(() => ensureFerretDbBinary(root)).toThrow(EmbeddedDbError);
      expect(() => ensureFerretDbBinary(root)).toThrow(
        /needs Go.*apt-get install golang-go.*MONGODB_URI/s,
      );
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
