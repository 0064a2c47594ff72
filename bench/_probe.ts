import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { startEmbeddedDb } from '../src/infra/db/embedded-ferretdb';

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'probe-'));
  const db0 = await startEmbeddedDb({ projectRoot: path.resolve(__dirname, '..'), dataDir });
  const client = await new MongoClient(db0.uri).connect();
  const db = client.db('probe');
  for (const [n, size] of [[1000, 100], [1000, 3000], [5000, 3000], [5000, 100]] as const) {
    const col = db.collection<{ _id: string }>(`c${n}_${size}`);
    const pad = 'x'.repeat(size);
    for (let i = 0; i < n; i += 1000)
      await col.insertMany(Array.from({ length: 1000 }, (_, j) => ({ _id: `m${i + j}`, status: 'pending', payload: pad, at: new Date() })) as never);
    let t = performance.now();
    for (let i = 0; i < 100; i++) await col.updateOne({ _id: `m${i * 7}` }, { $set: { status: 'sent', sentAt: new Date() } });
    const upd = (performance.now() - t) / 100;
    t = performance.now();
    for (let i = 0; i < 100; i++) await col.updateOne({ _id: `m${i * 7 + 1}` }, { $set: { status: 'sent', payload: '' } });
    const updDrop = (performance.now() - t) / 100;
    const marks = db.collection<{ _id: string }>(`marks${n}_${size}`);
    t = performance.now();
    for (let k = 0; k < 10; k++) await marks.insertMany(Array.from({ length: 50 }, (_, j) => ({ _id: `m${k * 50 + j}`, at: new Date(), seq: 1 })) as never);
    const ins = (performance.now() - t) / 500;
    t = performance.now();
    for (let i = 0; i < 50; i++) await col.findOne({ _id: `m${i * 3}` });
    const find = (performance.now() - t) / 50;
    t = performance.now();
    await col.find({ status: 'pending' }, { projection: { _id: 1, status: 1 } }).toArray();
    const scan = performance.now() - t;
    console.log(`n=${n} size=${size}: update ${upd.toFixed(1)} ms, update+drop payload ${updDrop.toFixed(1)} ms, marker insert ${ins.toFixed(2)} ms/doc, findOne _id ${find.toFixed(1)} ms, scan ${scan.toFixed(0)} ms`);
  }
  await client.close();
  await db0.stop();
}
void main();
