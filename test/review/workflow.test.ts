import { describe, expect, it } from 'vitest';
import { ReviewError } from '../../shared/review/errors.js';
import { devClaims } from '../../shared/review/dev-users.js';
import { INSTRUCTION_OF, instructionEvent } from '../../shared/review/events.js';
import { identityFromClaims, parseGroups } from '../../shared/review/identity.js';
import { can, PERMISSIONS, type ReviewAction } from '../../shared/review/permissions.js';
import { DECISIONS, type Identity, type ReviewItem } from '../../shared/review/types.js';
import {
  claim,
  decide,
  effectiveStatus,
  reassign,
  release,
  reopen,
  toView,
  type Transition,
} from '../../shared/review/workflow.js';
import { seedItem } from './memory-store.js';

const r1: Identity = { username: 'reviewer1', roles: ['reviewer'] };
const r2: Identity = { username: 'reviewer2', roles: ['reviewer'] };
const sup: Identity = { username: 'supervisor1', roles: ['supervisor'] };
const ops: Identity = { username: 'ops1', roles: ['ops'] };
const carrier: Identity = { username: 'carrier1', roles: ['carrier'], carrierId: 'DEMO' };

const T0 = new Date('2025-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const LEASE = 15 * 60_000;
const ids = { awb: '176-12345675', hawb: null, parcelId: 'P1' };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ReviewError) return error.code;
    throw error;
  }
  return 'OK';
}

/** Applies a transition the way the store would: the next item is what is stored. */
const apply = (t: Transition): ReviewItem => t.next;

describe('permissions per role', () => {
  const expected: Record<string, ReviewAction[]> = {
    carrier: [],
    ops: ['list', 'stats', 'show', 'download'],
    reviewer: ['list', 'stats', 'show', 'download', 'claim', 'decide', 'release'],
    supervisor: ['list', 'stats', 'show', 'download', 'claim', 'decide', 'release', 'reassign', 'reopen'],
  };
  for (const [role, allowed] of Object.entries(expected)) {
    it(`${role} may do exactly ${allowed.join(', ') || 'nothing'}`, () => {
      const id = { username: 'x', roles: [role] } as Identity;
      const actual = (Object.keys(PERMISSIONS) as ReviewAction[]).filter((a) => can(id, a));
      expect(actual.sort()).toEqual([...allowed].sort());
    });
  }

  it('a user without a known role may do nothing', () => {
    expect(
      (Object.keys(PERMISSIONS) as ReviewAction[]).some((a) => can({ username: 'x', roles: [] }, a)),
    ).toBe(false);
  });

  it('carriers are refused every transition with FORBIDDEN', () => {
    const item = seedItem({ id: 'c1' });
    expect(code(() => claim(item, carrier, T0))).toBe('FORBIDDEN');
    expect(code(() => decide(item, carrier, T0, { decision: 'CLEAR', note: 'x' }, ids))).toBe('FORBIDDEN');
    expect(code(() => release(item, carrier, T0))).toBe('FORBIDDEN');
    expect(code(() => reassign(item, carrier, T0, 'carrier1'))).toBe('FORBIDDEN');
    expect(code(() => reopen(item, carrier, T0, 'x'))).toBe('FORBIDDEN');
  });

  it('an account that is also a carrier may do nothing, whatever other group it is in', () => {
    const both = { username: 'x', roles: ['carrier', 'supervisor'] } as Identity;
    expect((Object.keys(PERMISSIONS) as ReviewAction[]).filter((a) => can(both, a))).toEqual([]);
  });

  it('ops only read: claim, decide and release are refused', () => {
    const item = seedItem({ id: 'o1' });
    expect(code(() => claim(item, ops, T0))).toBe('FORBIDDEN');
    expect(code(() => release(item, ops, T0))).toBe('FORBIDDEN');
    expect(code(() => decide(item, ops, T0, { decision: 'CLEAR', note: 'x' }, ids))).toBe('FORBIDDEN');
  });
});

describe('identity from JWT claims', () => {
  it('reads groups as an array, as API Gateway\'s "[a b]" string, or comma separated', () => {
    expect(parseGroups(['reviewer', 'ops'])).toEqual(['reviewer', 'ops']);
    expect(parseGroups('[reviewer supervisor]')).toEqual(['reviewer', 'supervisor']);
    expect(parseGroups('reviewer,ops')).toEqual(['reviewer', 'ops']);
    expect(parseGroups(undefined)).toEqual([]);
  });

  it('takes the name from cognito:username (ID token) or username (access token), keeps only known roles', () => {
    expect(identityFromClaims({ 'cognito:username': 'anna', 'cognito:groups': '[reviewer admins]' })).toEqual(
      { username: 'anna', roles: ['reviewer'] },
    );
    expect(identityFromClaims({ username: 'bob', 'cognito:groups': ['supervisor'] })).toEqual({
      username: 'bob',
      roles: ['supervisor'],
    });
    expect(identityFromClaims({ 'cognito:groups': '[reviewer]' })).toBeUndefined();
    expect(identityFromClaims({ 'cognito:username': 'bad name!' })).toBeUndefined();
    // "system" signs lease expiries: nobody may act under it.
    expect(
      identityFromClaims({ 'cognito:username': 'system', 'cognito:groups': ['supervisor'] }),
    ).toBeUndefined();
  });

  it('the development users resolve to the documented roles', () => {
    expect(identityFromClaims(devClaims('reviewer1'))).toEqual({
      username: 'reviewer1',
      roles: ['reviewer'],
    });
    expect(identityFromClaims(devClaims('supervisor1'))?.roles).toEqual(['supervisor']);
    expect(identityFromClaims(devClaims('carrier1'))).toEqual({
      username: 'carrier1',
      roles: ['carrier'],
      carrierId: 'DEMO',
    });
    expect(devClaims('nobody')).toBeUndefined();
    expect(devClaims('constructor')).toBeUndefined();
  });
});

describe('claim', () => {
  it('takes a pending item with a lease and records CLAIM', () => {
    const t = claim(seedItem({ id: 'a' }), r1, T0, LEASE);
    expect(t.next).toMatchObject({
      status: 'IN_REVIEW',
      claimedBy: 'reviewer1',
      leaseUntil: at(15).toISOString(),
      version: 1,
    });
    expect(t.audit).toEqual([{ at: T0.toISOString(), actor: 'reviewer1', action: 'CLAIM', version: 1 }]);
  });

  it('is exclusive: another reviewer (or a supervisor) gets HELD_BY_OTHER while the lease runs', () => {
    const held = apply(claim(seedItem({ id: 'a' }), r1, T0, LEASE));
    expect(code(() => claim(held, r2, at(14), LEASE))).toBe('HELD_BY_OTHER');
    expect(code(() => claim(held, sup, at(14), LEASE))).toBe('HELD_BY_OTHER');
  });

  it('claiming again while holding renews the lease', () => {
    const held = apply(claim(seedItem({ id: 'a' }), r1, T0, LEASE));
    const renewed = claim(held, r1, at(10), LEASE);
    expect(renewed.next.leaseUntil).toBe(at(25).toISOString());
    expect(renewed.audit.map((e) => e.action)).toEqual(['CLAIM']);
  });

  it('an expired lease may be claimed by another reviewer, recording LEASE_EXPIRED when it ran out', () => {
    const held = apply(claim(seedItem({ id: 'a' }), r1, T0, LEASE));
    expect(effectiveStatus(held, at(15))).toBe('PENDING');
    expect(effectiveStatus(held, at(14))).toBe('IN_REVIEW');
    const t = claim(held, r2, at(20), LEASE);
    expect(t.next).toMatchObject({ claimedBy: 'reviewer2', version: 2 });
    expect(t.audit).toEqual([
      { at: at(15).toISOString(), actor: 'system', action: 'LEASE_EXPIRED', from: 'reviewer1', version: 2 },
      { at: at(20).toISOString(), actor: 'reviewer2', action: 'CLAIM', version: 2 },
    ]);
  });

  it('a decided item cannot be claimed', () => {
    const decided = seedItem({ id: 'a', status: 'DECIDED', decision: 'CLEAR', decidedBy: 'reviewer1' });
    expect(code(() => claim(decided, r2, T0))).toBe('ALREADY_DECIDED');
  });
});

describe('the view each reviewer sees', () => {
  it('only the holder of a live lease sees it as theirs; an expired lease shows as pending for everyone', () => {
    const held = apply(claim(seedItem({ id: 'a' }), r1, T0, LEASE));
    expect(toView(held, r1, at(1))).toMatchObject({
      status: 'IN_REVIEW',
      mine: true,
      claimedBy: 'reviewer1',
    });
    expect(toView(held, r2, at(1))).toMatchObject({
      status: 'IN_REVIEW',
      mine: false,
      claimedBy: 'reviewer1',
    });
    expect(toView(held, r1, at(16))).toMatchObject({
      status: 'PENDING',
      mine: false,
      claimedBy: null,
      leaseUntil: null,
    });
  });

  it('age counts seconds since the item was created', () => {
    expect(toView(seedItem({ id: 'a', createdAt: T0.toISOString() }), r1, at(2)).age).toBe(120);
  });
});

describe('decide', () => {
  const held = () => apply(claim(seedItem({ id: 'a' }), r1, T0, LEASE));

  it('the claimant decides with a note: DECIDED, audited, and an event for the filer', () => {
    const t = decide(held(), r1, at(5), { decision: 'HOLD', note: '  looks like pistol parts  ' }, ids);
    expect(t.next).toMatchObject({
      status: 'DECIDED',
      decision: 'HOLD',
      decidedBy: 'reviewer1',
      note: 'looks like pistol parts',
      version: 2,
    });
    expect(t.next.claimedBy).toBeUndefined();
    expect(t.audit).toEqual([
      {
        at: at(5).toISOString(),
        actor: 'reviewer1',
        action: 'DECIDE',
        decision: 'HOLD',
        note: 'looks like pistol parts',
        version: 2,
      },
    ]);
    expect(t.event).toMatchObject({
      instruction: 'HOLD',
      state: 'ISSUED',
      eventId: 'a:v2',
      consignment: { id: 'a', awb: '176-12345675' },
    });
  });

  it('accepts every decision of the contract and nothing else', () => {
    for (const d of DECISIONS)
      expect(decide(held(), r1, at(1), { decision: d, note: 'n' }, ids).next.decision).toBe(d);
    expect(code(() => decide(held(), r1, at(1), { decision: 'clear', note: 'n' }, ids))).toBe(
      'INVALID_DECISION',
    );
    expect(code(() => decide(held(), r1, at(1), { decision: undefined, note: 'n' }, ids))).toBe(
      'INVALID_DECISION',
    );
  });

  it('requires a note, and a bounded one', () => {
    expect(code(() => decide(held(), r1, at(1), { decision: 'CLEAR', note: '   ' }, ids))).toBe(
      'NOTE_REQUIRED',
    );
    expect(code(() => decide(held(), r1, at(1), { decision: 'CLEAR', note: undefined }, ids))).toBe(
      'NOTE_REQUIRED',
    );
    expect(code(() => decide(held(), r1, at(1), { decision: 'CLEAR', note: 'x'.repeat(2001) }, ids))).toBe(
      'INVALID_REQUEST',
    );
    // Notes reach filers and consoles: line breaks and tabs only, no other control characters.
    for (const bad of ['a\u0001b', 'a\u001b[31mb', 'a\u202eb', 'a\u0000'])
      expect(code(() => decide(held(), r1, at(1), { decision: 'CLEAR', note: bad }, ids))).toBe(
        'INVALID_REQUEST',
      );
    expect(
      decide(held(), r1, at(1), { decision: 'CLEAR', note: 'line one\n\tline two' }, ids).next.note,
    ).toBe('line one\n\tline two');
  });

  it('only the claimant decides: others (supervisors too) get NOT_CLAIMANT; an unclaimed item too', () => {
    expect(code(() => decide(held(), r2, at(1), { decision: 'CLEAR', note: 'n' }, ids))).toBe('NOT_CLAIMANT');
    expect(code(() => decide(held(), sup, at(1), { decision: 'CLEAR', note: 'n' }, ids))).toBe(
      'NOT_CLAIMANT',
    );
    expect(code(() => decide(seedItem({ id: 'p' }), r1, at(1), { decision: 'CLEAR', note: 'n' }, ids))).toBe(
      'NOT_CLAIMANT',
    );
  });

  it('after the lease expired the former claimant is told LEASE_EXPIRED', () => {
    expect(code(() => decide(held(), r1, at(16), { decision: 'CLEAR', note: 'n' }, ids))).toBe(
      'LEASE_EXPIRED',
    );
  });

  it('a decided item cannot be decided again', () => {
    const decided = decide(held(), r1, at(1), { decision: 'CLEAR', note: 'ok' }, ids).next;
    expect(code(() => decide(decided, r1, at(2), { decision: 'HOLD', note: 'changed my mind' }, ids))).toBe(
      'ALREADY_DECIDED',
    );
  });
});

describe('release', () => {
  const held = () => apply(claim(seedItem({ id: 'a' }), r1, T0, LEASE));

  it('the claimant gives the item back to the queue', () => {
    const t = release(held(), r1, at(1), 'not my area');
    expect(t.next).toMatchObject({ status: 'PENDING', version: 2 });
    expect(t.next.claimedBy).toBeUndefined();
    expect(t.audit).toEqual([
      {
        at: at(1).toISOString(),
        actor: 'reviewer1',
        action: 'RELEASE',
        from: 'reviewer1',
        note: 'not my area',
        version: 2,
      },
    ]);
  });

  it('another reviewer cannot release it; a supervisor can, and the audit says whose it was', () => {
    expect(code(() => release(held(), r2, at(1)))).toBe('NOT_CLAIMANT');
    expect(release(held(), sup, at(1)).audit[0]).toMatchObject({
      actor: 'supervisor1',
      action: 'RELEASE',
      from: 'reviewer1',
    });
  });

  it('an unclaimed, expired or decided item cannot be released', () => {
    expect(code(() => release(seedItem({ id: 'p' }), r1, at(1)))).toBe('NOT_CLAIMED');
    expect(code(() => release(held(), r1, at(16)))).toBe('LEASE_EXPIRED');
    expect(code(() => release(held(), r2, at(16)))).toBe('NOT_CLAIMED');
    expect(code(() => release(seedItem({ id: 'd', status: 'DECIDED', decision: 'CLEAR' }), sup, at(1)))).toBe(
      'ALREADY_DECIDED',
    );
  });
});

describe('reassign', () => {
  it('a supervisor hands a held item to another reviewer with a fresh lease', () => {
    const held = apply(claim(seedItem({ id: 'a' }), r1, T0, LEASE));
    const t = reassign(held, sup, at(5), 'reviewer2', 'r1 is off sick', LEASE);
    expect(t.next).toMatchObject({
      status: 'IN_REVIEW',
      claimedBy: 'reviewer2',
      leaseUntil: at(20).toISOString(),
    });
    expect(t.audit).toEqual([
      {
        at: at(5).toISOString(),
        actor: 'supervisor1',
        action: 'REASSIGN',
        from: 'reviewer1',
        to: 'reviewer2',
        note: 'r1 is off sick',
        version: 2,
      },
    ]);
    // The new holder can decide, the old one cannot.
    expect(code(() => decide(t.next, r1, at(6), { decision: 'CLEAR', note: 'n' }, ids))).toBe('NOT_CLAIMANT');
    expect(decide(t.next, r2, at(6), { decision: 'CLEAR', note: 'n' }, ids).next.status).toBe('DECIDED');
  });

  it('assigns a pending item too; reviewers may not reassign; decided items and bad names are refused', () => {
    expect(reassign(seedItem({ id: 'p' }), sup, T0, 'reviewer1').audit[0]).not.toHaveProperty('from');
    expect(code(() => reassign(seedItem({ id: 'p' }), r1, T0, 'reviewer2'))).toBe('FORBIDDEN');
    expect(code(() => reassign(seedItem({ id: 'd', status: 'DECIDED' }), sup, T0, 'reviewer2'))).toBe(
      'ALREADY_DECIDED',
    );
    expect(code(() => reassign(seedItem({ id: 'p' }), sup, T0, 'no spaces allowed'))).toBe('INVALID_REQUEST');
    expect(code(() => reassign(seedItem({ id: 'p' }), sup, T0, undefined))).toBe('INVALID_REQUEST');
    expect(code(() => reassign(seedItem({ id: 'p' }), sup, T0, 'system'))).toBe('INVALID_REQUEST');
  });

  it('over an expired lease it records LEASE_EXPIRED first', () => {
    const held = apply(claim(seedItem({ id: 'a' }), r1, T0, LEASE));
    expect(reassign(held, sup, at(30), 'reviewer2').audit.map((e) => e.action)).toEqual([
      'LEASE_EXPIRED',
      'REASSIGN',
    ]);
  });
});

describe('reopen', () => {
  const decided = () => {
    const held = apply(claim(seedItem({ id: 'a' }), r1, T0, LEASE));
    return decide(held, r1, at(1), { decision: 'CLEAR', note: 'fine' }, ids).next;
  };

  it('a supervisor reopens a decided item with a note; it is pending again and the audit keeps the old decision', () => {
    const t = reopen(decided(), sup, at(2), 'new intelligence on this consignee');
    expect(t.next).toMatchObject({ status: 'PENDING', previousDecision: 'CLEAR', version: 3 });
    expect(t.next.decision).toBeUndefined();
    expect(t.audit).toEqual([
      {
        at: at(2).toISOString(),
        actor: 'supervisor1',
        action: 'REOPEN',
        decision: 'CLEAR',
        from: 'reviewer1',
        note: 'new intelligence on this consignee',
        version: 3,
      },
    ]);
  });

  it('the next decision supersedes the reopened one in its event', () => {
    const reopened = reopen(decided(), sup, at(2), 'look again').next;
    const again = apply(claim(reopened, r2, at(3), LEASE));
    expect(decide(again, r2, at(4), { decision: 'DO_NOT_LOAD', note: 'confirmed' }, ids).event).toMatchObject(
      { instruction: 'DO_NOT_LOAD', supersedes: 'CLEARED' },
    );
  });

  it('only supervisors, only decided items, only with a note', () => {
    expect(code(() => reopen(decided(), r1, at(2), 'x'))).toBe('FORBIDDEN');
    expect(code(() => reopen(seedItem({ id: 'p' }), sup, at(2), 'x'))).toBe('NOT_DECIDED');
    expect(code(() => reopen(decided(), sup, at(2), ''))).toBe('NOTE_REQUIRED');
  });
});

describe('decision events for filers', () => {
  it('map decisions to PACT-style instructions', () => {
    expect(INSTRUCTION_OF).toEqual({
      CLEAR: 'CLEARED',
      HOLD: 'HOLD',
      DO_NOT_LOAD: 'DO_NOT_LOAD',
      REQUEST_INFO: 'REQUEST_FOR_INFORMATION',
      REFER: 'HOLD',
    });
  });

  it('never carry rules, categories, scores or the internal note; an RFI carries its question', () => {
    const item = seedItem({ id: 'a', categories: ['firearms'], riskScore: 80, ruleSetVersion: 'rules-7' });
    for (const decision of DECISIONS) {
      const event = instructionEvent({
        item,
        decision,
        note: 'SECRET-NOTE',
        at: T0.toISOString(),
        version: 2,
        consignment: ids,
      });
      const text = JSON.stringify(event);
      for (const leak of ['firearms', 'riskScore', '80', 'rules-7', 'hs-chapter', 'reviewer'])
        expect(text).not.toContain(leak);
      if (decision === 'REQUEST_INFO') expect(event.message).toContain('SECRET-NOTE');
      else expect(text).not.toContain('SECRET-NOTE');
    }
  });
});
