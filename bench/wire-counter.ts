import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BSON } from 'mongodb';

/** Per command and collection: how many, how long the server took (sum of round trips). */
export interface WireStat {
  count: number;
  totalMs: number;
  /** Inserts the server answered with a write error (duplicate key: a lost race for a claim or slot). */
  writeErrors: number;
}

const OP_MSG = 2013;
const MONITORING = new Set(['hello', 'ismaster', 'isMaster']);

/**
 * A loopback TCP proxy in front of the database that counts MongoDB wire-protocol commands
 * (OP_MSG), by command and collection (e.g. `insert outboxSlots`), with their round-trip times.
 * The app is pointed at the proxy instead of the server; nothing else changes. Server-monitoring
 * heartbeats (hello) are not counted.
 */
export class WireCounter {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  stats = new Map<string, WireStat>();
  uri = '';
  /** Commands in flight now, and since when at least one has been (for busyMs). */
  private inFlight = 0;
  private busySince = 0;
  private busyTotal = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static forUri(mongoUri: string): WireCounter {
    const u = new URL(mongoUri);
    return new WireCounter({ host: u.hostname, port: Number(u.port || 27017) });
  }

  async start(): Promise<this> {
    this.server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.uri = `mongodb://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Starts counting afresh (e.g. after the setup phase). */
  reset(): void {
    this.stats = new Map();
    this.busyTotal = 0;
    if (this.inFlight > 0) this.busySince = performance.now();
  }

  /** Milliseconds (since reset) in which at least one command was waiting for its answer. */
  busyMs(): number {
    return this.busyTotal + (this.inFlight > 0 ? performance.now() - this.busySince : 0);
  }

  total(): WireStat {
    const t: WireStat = { count: 0, totalMs: 0, writeErrors: 0 };
    for (const s of this.stats.values()) {
      t.count += s.count;
      t.totalMs += s.totalMs;
      t.writeErrors += s.writeErrors;
    }
    return t;
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const pending = new Map<number, { name: string; at: number }>();
    const toServer = framer((msg) => {
      const requestId = msg.readInt32LE(4);
      const name = commandOf(msg);
      if (!name) return;
      const at = performance.now();
      pending.set(requestId, { name, at });
      if (this.inFlight++ === 0) this.busySince = at;
    });
    const toClient = framer((msg) => {
      const request = pending.get(msg.readInt32LE(8));
      if (!request) return;
      pending.delete(msg.readInt32LE(8));
      const now = performance.now();
      if (--this.inFlight === 0) this.busyTotal += now - this.busySince;
      let stat = this.stats.get(request.name);
      if (!stat) this.stats.set(request.name, (stat = { count: 0, totalMs: 0, writeErrors: 0 }));
      stat.count++;
      stat.totalMs += now - request.at;
      if (request.name.startsWith('insert ') && hasWriteErrors(msg)) stat.writeErrors++;
    });
    client.on('data', (chunk: Buffer) => {
      toServer(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      toClient(chunk);
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }
}

/** Splits a byte stream into wire-protocol messages (each starts with its int32 length). */
function framer(onMessage: (msg: Buffer) => void): (chunk: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const length = buffered.readInt32LE(0);
      if (length < 16 || buffered.length < length) break;
      onMessage(buffered.subarray(0, length));
      buffered = buffered.subarray(length);
    }
  };
}

/** `<command> <collection>` of an OP_MSG request (its body's first field), or undefined. */
function commandOf(msg: Buffer): string | undefined {
  if (msg.length < 27 || msg.readInt32LE(12) !== OP_MSG || msg[20] !== 0) return undefined;
  // Section 0 is one BSON document at offset 21: int32 size, then its first element:
  // type byte, field name (cstring), value.
  const type = msg[25];
  const nameEnd = msg.indexOf(0, 26);
  if (nameEnd < 0) return undefined;
  const name = msg.toString('utf8', 26, nameEnd);
  if (MONITORING.has(name)) return undefined;
  if (type === 0x02) {
    const len = msg.readInt32LE(nameEnd + 1);
    return `${name} ${msg.toString('utf8', nameEnd + 5, nameEnd + 4 + len)}`;
  }
  return name;
}

function hasWriteErrors(msg: Buffer): boolean {
  if (msg.readInt32LE(12) !== OP_MSG || msg[20] !== 0) return false;
  try {
    const size = msg.readInt32LE(21);
    const doc = BSON.deserialize(msg.subarray(21, 21 + size));
    return Array.isArray(doc.writeErrors) && doc.writeErrors.length > 0;
  } catch {
    return false;
  }
}
