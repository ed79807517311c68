import { ReviewError } from './errors.js';
import type { Identity, Role } from './types.js';

/**
 * Who may do what. Carriers reach nothing here; ops only read; reviewers work items;
 * supervisors also release others' items, reassign and reopen. Claimant-only rules (decide,
 * release) are checked by the workflow against the item itself.
 */
export const PERMISSIONS = {
  list: ['reviewer', 'supervisor', 'ops'],
  stats: ['reviewer', 'supervisor', 'ops'],
  show: ['reviewer', 'supervisor', 'ops'],
  download: ['reviewer', 'supervisor', 'ops'],
  claim: ['reviewer', 'supervisor'],
  decide: ['reviewer', 'supervisor'],
  release: ['reviewer', 'supervisor'],
  reassign: ['supervisor'],
  reopen: ['supervisor'],
} as const satisfies Record<string, readonly Role[]>;
export type ReviewAction = keyof typeof PERMISSIONS;

export function can(identity: Identity, action: ReviewAction): boolean {
  // A carrier never sees screening results, whatever other group the account is also in.
  if (identity.roles.includes('carrier')) return false;
  const allowed: readonly Role[] = PERMISSIONS[action];
  return identity.roles.some((r) => allowed.includes(r));
}

export function isSupervisor(identity: Identity): boolean {
  return identity.roles.includes('supervisor');
}

/** Throws 403 FORBIDDEN unless one of the caller's roles allows the action. */
export function authorize(identity: Identity, action: ReviewAction): void {
  if (!can(identity, action)) {
    const roles = identity.roles.length > 0 ? identity.roles.join(', ') : 'no role';
    throw new ReviewError('FORBIDDEN', `${identity.username} (${roles}) may not ${action} review items`);
  }
}
