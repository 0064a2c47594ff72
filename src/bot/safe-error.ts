import { isAppError } from '../core/errors';

/** Error types whose messages come from our code or the runtime, never from user input. */
const SAFE_MESSAGE_NAMES = new Set([
  'TypeError',
  'ReferenceError',
  'RangeError',
  'SyntaxError',
  'AppError',
  'ETagConflictError',
  'CardRenderError',
  'EmbeddedDbError',
]);

/**
 * What may be logged of an error: name, code and stack frames; the message only for error types
 * that cannot carry user text (a driver error can echo a document, a parse error the input).
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((l) => l.trimStart().startsWith('at '))
    .slice(0, 12);
  return {
    name: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(isAppError(error) ? { appCode: error.code } : {}),
    ...(SAFE_MESSAGE_NAMES.has(error.name) ? { message: error.message.slice(0, 300) } : {}),
    frames,
  };
}
