/**
 * Errors the API reports to the UI with a stable code (see src/common/contract/transport.ts).
 * Services throw these for conditions a user can act on; anything else becomes 'internal'.
 */
export type ErrorCode = 'invalid-params' | 'no-such-channel' | 'not-found' | 'conflict' | 'no-project' | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** HTTP status for each code (serve mode). */
export const httpStatusOf: Record<ErrorCode, number> = {
  'invalid-params': 400,
  'no-such-channel': 404,
  'not-found': 404,
  conflict: 409,
  'no-project': 409,
  internal: 500,
};

/** The code and message of anything thrown, for the wire. */
export function describeError(e: unknown): { code: ErrorCode; message: string } {
  if (e instanceof AppError) return { code: e.code, message: e.message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}
