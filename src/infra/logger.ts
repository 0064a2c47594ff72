import pino from 'pino';
import type { Logger } from '../core/logger';

/**
 * JSON logs in production, pretty locally. As a safety net the usual places where user text
 * could end up are redacted; the rule remains: never log what users typed.
 */
export function createLogger(
  options: { level: string; pretty: boolean },
  destination?: pino.DestinationStream,
): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    base: { app: 'samverkan' },
    redact: {
      paths: ['text', 'value', '*.text', '*.value', 'activity', '*.activity', 'body', '*.body'],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(base, destination);
  if (options.pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss' },
      },
    });
  }
  return pino(base);
}
