/** What the web app keeps in its server-side session (the cookie holds only the signed session id). */
import type { Role } from '@ntm/domain';

/** The signed-in person: who they are to the API, and the access token the API accepts for them. */
export interface WebUser {
  id: string;
  role: Role;
  unit: string;
  name?: string | undefined;
  accessToken: string;
  /** epoch seconds after which the access token is refused: the user signs in again */
  expiresAt: number;
  idToken?: string | undefined;
}

/** A login in flight: the PKCE verifier and state the callback checks, and where to go after it. */
export interface PendingLogin {
  codeVerifier: string;
  state: string;
  returnTo: string;
}

export interface SavedFilter {
  name: string;
  query: string;
}

declare module 'fastify' {
  interface Session {
    user?: WebUser;
    login?: PendingLogin;
    savedFilters?: SavedFilter[];
    flash?: string;
  }
}
