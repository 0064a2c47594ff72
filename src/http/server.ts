import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { Bot } from '../bot/bot';
import type { Logger } from '../core/logger';
import type { Download } from '../core/downloads';

export interface HttpServerDeps {
  bot: Pick<Bot, 'process' | 'inFlight'>;
  /** Readiness: does the database answer? (Should answer within ~0.5 s; capped at READY_TIMEOUT_MS.) */
  ping: () => Promise<boolean>;
  log: Logger;
  /** Short-lived exports (`GET /exports/<kind>/<signed token>`): the file, or null for 404. */
  download?: (kind: string, token: string) => Promise<Download | null>;
}

/** /readyz never takes longer than this: a database that has not answered by then is not ready. */
export const READY_TIMEOUT_MS = 800;

const withinReadyTimeout = (check: Promise<boolean>): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  return Promise.race([check.catch(() => false), timeout]).finally(() => clearTimeout(timer));
};

export interface HttpServer {
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /** Stops taking requests, waits for turns in flight (at most `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/** restify: POST /api/messages, GET /healthz (process up), GET /readyz (database answers). */
export function createHttpServer(deps: HttpServerDeps): HttpServer {
  // find-my-way (restify's router) refuses path parameters over 100 characters by default; a
  // signed download link's token is about 230.
  const server = restify.createServer({
    name: 'samverkan',
    handleUncaughtExceptions: false,
    maxParamLength: 600,
  });
  let closing = false;
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
  // restify's own errors (a body that is not JSON, too large, no route) carry parser text that
  // can echo the request: every error response gets a short generic body instead.
  server.on(
    'restifyError',
    (
      _req: unknown,
      _res: unknown,
      err: Error & { statusCode?: number },
      callback: () => unknown,
    ) => {
      const status = err.statusCode ?? 500;
      const body = {
        error: status >= 500 ? 'internal error' : status === 404 ? 'not found' : 'bad request',
      };
      Object.assign(err, { toJSON: () => body, toString: () => body.error });
      return callback();
    },
  );

  server.post('/api/messages', async (req, res) => {
    if (closing) {
      res.header('Retry-After', '5');
      res.send(503);
      return;
    }
    await deps.bot.process(req, res);
  });
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  // Exports: a signed, expiring link made for one user is the only key (the kernel verifies it).
  // Anything else is a bare 404, and an error a bare 500: no internal text leaves the server.
  server.get('/exports/:kind/:id', async (req, res) => {
    const params = req.params as { kind?: unknown; id?: unknown };
    const plain = (status: number, text: string) => {
      res.writeHead(status, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(text);
    };
    try {
      const file =
        deps.download && typeof params.kind === 'string' && typeof params.id === 'string'
          ? await deps.download(params.kind, params.id)
          : null;
      if (!file) return plain(404, 'Not found');
      res.writeHead(200, {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      // A binary file (the summaries' XLSX) is stored as base64 and sent as its bytes.
      res.end(file.encoding === 'base64' ? Buffer.from(file.body, 'base64') : file.body);
    } catch (e) {
      deps.log.error({ err: (e as Error).name }, 'export download failed');
      plain(500, 'Error');
    }
  });
  server.get('/readyz', async (_req, res) => {
    const ok = !closing && (await withinReadyTimeout(deps.ping()));
    res.send(ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable' });
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr: AddressInfo = server.address();
          const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
          deps.log.info({ url }, 'listening');
          resolve({ port: addr.port, url });
        });
      });
    },
    async close(graceMs = 25_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      const deadline = Date.now() + graceMs;
      while (deps.bot.inFlight() > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      if (deps.bot.inFlight() > 0)
        deps.log.warn({ inFlight: deps.bot.inFlight() }, 'closing with turns still in flight');
      server.server.closeAllConnections?.();
      await closed;
    },
  };
}
