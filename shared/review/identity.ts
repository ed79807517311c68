import { ROLES, SYSTEM_ACTOR, type Identity, type Role } from './types.js';

export type Claims = Record<string, string | number | boolean | string[] | undefined>;

/** Usernames as Cognito and the development users spell them; anything else is refused. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@+-]{1,128}$/;

/**
 * Reads a groups claim in every shape it arrives in: a JSON array (the token itself), the
 * "[a b]" string API Gateway HTTP API JWT authorizers make of array claims, or "a,b".
 */
export function parseGroups(value: Claims[string]): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const text = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * The caller's identity from verified JWT claims (ID or access token of the Cognito user pool,
 * or the local development identity in the same shape). Undefined when there is no usable name.
 */
export function identityFromClaims(claims: Claims | undefined): Identity | undefined {
  if (!claims) return undefined;
  const name = claims['cognito:username'] ?? claims.username;
  // "system" signs lease expiries in the audit trail: no person may act under that name.
  if (typeof name !== 'string' || !USERNAME_PATTERN.test(name) || name === SYSTEM_ACTOR) return undefined;
  const roles = parseGroups(claims['cognito:groups']).filter((g): g is Role =>
    (ROLES as readonly string[]).includes(g),
  );
  const carrierId = claims['custom:carrierId'];
  return {
    username: name,
    roles: [...new Set(roles)],
    ...(typeof carrierId === 'string' ? { carrierId } : {}),
  };
}
