/** Stable codes for authentication failures; the HTTP layer maps every one of them to 401. */
export type AuthErrorCode =
  'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_CLAIMS_INVALID' | 'KEY_INVALID';

/** A token or key was refused. `message` names the reason and never contains the token itself. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuthError';
  }
}
