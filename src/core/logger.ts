import type { Logger as PinoLogger } from 'pino';

/**
 * The logger every module receives. Rule: never pass message text, card input or any other
 * free text a user typed; log ids, verbs, counts and error codes.
 */
export type Logger = PinoLogger;
