import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { MemoryStorage } from 'botbuilder';
import { Application, type TurnState } from '@microsoft/teams-ai';
import type { Config } from '../src/config/config';
import { createTeamsAdapter } from '../src/bot/bot';

export interface BaselineServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * The floor to compare the app against: a bare teams-ai echo bot on the same adapter and the
 * same kind of restify server (same body parser), with MemoryStorage and no database.
 */
export async function startBaselineBot(
  config: Pick<Config, 'bot' | 'host'>,
  reply = 'ok',
): Promise<BaselineServer> {
  const adapter = createTeamsAdapter(config.bot);
  const app = new Application<TurnState>({
    adapter,
    botAppId: config.bot.appId,
    storage: new MemoryStorage(),
    startTypingTimer: false,
    removeRecipientMention: true,
  });
  app.message(/.*/, async (context) => {
    await context.sendActivity(reply);
  });
  adapter.onTurnError = async (context, error) => {
    console.error('baseline turn error:', error instanceof Error ? error.message : error);
    await context.sendActivity('error');
  };

  const server = restify.createServer({ name: 'baseline', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => app.run(context).then(() => undefined));
  });

  const url = await new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, config.host, () => {
      const addr: AddressInfo = server.address();
      resolve(`http://${config.host}:${addr.port}`);
    });
  });
  return {
    url,
    async stop() {
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      server.server.closeAllConnections?.();
      await closed;
    },
  };
}
