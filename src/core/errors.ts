/**
 * Domain errors carry a stable code and only safe parameters (never user-typed text).
 * The bot layer turns them into Swedish/English text in one place (see i18n).
 */
export type AppErrorCode =
  | 'forbidden'
  | 'invalidInput'
  | 'notFound'
  | 'conflict'
  | 'unknownAction'
  | 'tooLarge'
  | 'identifyingText'
  | 'identifyingCombination';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(`${code}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ''}`);
    this.name = 'AppError';
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
