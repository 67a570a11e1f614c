/** An error from the backend (or from reaching it), carrying a message fit for the user. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    message: string,
    /** The contract's error code ('invalid-params', 'no-project', 'network', ...). */
    readonly code: string,
    /** The channel or route that failed, for the console; not shown to the user. */
    readonly origin: string,
    /** HTTP status in serve mode; undefined in Electron. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The message to show the user for anything thrown by an API call or by UI code. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  return 'Something went wrong (no details were given).';
}

/**
 * Electron's ipcRenderer.invoke wraps a handler's error as
 * "Error invoking remote method 'x': Error: message"; the user only needs the message.
 */
export function stripIpcPrefix(message: string): string {
  return message.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '');
}
