import type { Role } from './types.js';

/**
 * Development users of the local stack (docs/review-api.md). They exist only where the local
 * server resolves `Authorization: Bearer dev:<name>`; the cloud uses the Cognito user pool.
 */
export const DEV_USERS: Record<string, { roles: Role[]; carrierId?: string }> = {
  reviewer1: { roles: ['reviewer'] },
  reviewer2: { roles: ['reviewer'] },
  supervisor1: { roles: ['supervisor'] },
  ops1: { roles: ['ops'] },
  carrier1: { roles: ['carrier'], carrierId: 'DEMO' },
};

/**
 * The claims API Gateway's JWT authorizer would hand the function for this user's Cognito ID
 * token: array claims arrive as "[a b]" strings.
 */
export function devClaims(name: string): Record<string, string> | undefined {
  const user = Object.hasOwn(DEV_USERS, name) ? DEV_USERS[name] : undefined;
  if (!user) return undefined;
  return {
    sub: `dev-${name}`,
    'cognito:username': name,
    'cognito:groups': `[${user.roles.join(' ')}]`,
    token_use: 'id',
    iss: 'urn:manifest-intake:local-dev',
    ...(user.carrierId ? { 'custom:carrierId': user.carrierId } : {}),
  };
}
