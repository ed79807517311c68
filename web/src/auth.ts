import type { Role } from './types.js';

/**
 * Every piece of token handling lives here: the rest of the console only asks for the signed-in
 * user and for the Authorization header.
 *
 * Local stack: development users, sent as `Authorization: Bearer dev:<name>` (docs/review-api.md).
 * TODO(cloud): Cognito hosted UI — redirect to `/oauth2/authorize` (authorization code + PKCE),
 * exchange the code at `/oauth2/token`, keep the id token here, read the name from
 * `cognito:username` and the role from `cognito:groups`, and send `Bearer <jwt>`. Only this module
 * changes; `authHeader()` and `currentUser()` keep their shape.
 */

export interface User {
  name: string;
  role: Role;
}

/** Development users out of the box (the local API knows the same names). */
export const DEV_USERS: readonly User[] = [
  { name: 'reviewer1', role: 'reviewer' },
  { name: 'reviewer2', role: 'reviewer' },
  { name: 'supervisor1', role: 'supervisor' },
  { name: 'ops1', role: 'ops' },
];

// sessionStorage, not localStorage: each tab may act as a different reviewer, and the token
// goes away with the tab.
const KEY = 'manifest-intake.dev-user';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function currentUser(): User | null {
  const name = storage()?.getItem(KEY);
  return DEV_USERS.find((u) => u.name === name) ?? null;
}

export function signIn(name: string): User {
  const user = DEV_USERS.find((u) => u.name === name);
  if (!user) throw new Error(`unknown development user: ${name}`);
  storage()?.setItem(KEY, user.name);
  return user;
}

export function signOut(): void {
  storage()?.removeItem(KEY);
}

/** The Authorization header for API calls, or none when nobody is signed in. */
export function authHeader(): Record<string, string> {
  const user = currentUser();
  return user ? { Authorization: `Bearer dev:${user.name}` } : {};
}
