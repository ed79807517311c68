import './quiet-env.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, depsFromEnv } from '../../functions/review-api/handler.js';
import { startReviewApi, type ReviewApiServer } from '../../local/review-api-server.js';
import { seedDocument, startEmulators, writeEmulatorStack, type Emulators } from './helpers.js';
import { runIntake, type Run } from '../helpers/intake-cli.js';

/**
 * The `intake review` commands as a user runs them: bin/intake.js in a child process, against
 * the local review API (real handler, dynalite) found through the stack file.
 */

let emu: Emulators;
let server: ReviewApiServer;
let stackFile: string;
let ids: string[];

function intake(args: string[], file = stackFile): Promise<Run> {
  return runIntake(['review', ...args], file);
}

const json = (r: Run) => JSON.parse(r.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  emu = await startEmulators();
  ({ ids } = await seedDocument(emu, 'doc-cli', [
    { parcelId: 'PX-1', consignee: 'Ann Example' },
    { parcelId: 'PX-2', consignee: 'Ann Example' },
    { parcelId: 'PX-3', consignee: 'Bob Example' },
  ]));
  server = await startReviewApi({ handler: createHandler(depsFromEnv()) });
  const dir = await mkdtemp(join(tmpdir(), 'review-cli-'));
  stackFile = join(dir, 'stack.json');
  await writeEmulatorStack(stackFile, emu, { apiUrl: server.url, webUrl: server.url });
});

afterAll(async () => {
  await server?.close();
  await emu?.close();
});

describe('intake review', { timeout: 120_000 }, () => {
  it('list --json prints { items: [{ id, ref, categories, riskScore, status, age }] }', async () => {
    const r = await intake(['list', '--json']);
    expect(r.code).toBe(0);
    const items = json(r).items as Record<string, unknown>[];
    expect(items.map((i) => i.ref)).toEqual(['PX-1', 'PX-2', 'PX-3']);
    expect(items[0]).toMatchObject({
      id: ids[0],
      ref: 'PX-1',
      categories: ['firearms'],
      riskScore: 80,
      status: 'PENDING',
      age: expect.any(Number),
    });
  });

  it('claim: the first reviewer gets it (exit 0), the second is refused (exit 1, HELD_BY_OTHER)', async () => {
    const first = await intake(['claim', ids[0] as string, '--as', 'reviewer1', '--json']);
    expect(first.code).toBe(0);
    expect(json(first)).toMatchObject({
      id: ids[0],
      status: 'IN_REVIEW',
      claimedBy: 'reviewer1',
      mine: true,
    });
    const second = await intake(['claim', ids[0] as string, '--as', 'reviewer2']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('HELD_BY_OTHER');
  });

  it('decide: only the claimant (exit 1 otherwise), once (exit 1 the second time)', async () => {
    const id = ids[0] as string;
    const other = await intake([
      'decide',
      id,
      '--decision',
      'HOLD',
      '--note',
      'x',
      '--as',
      'reviewer2',
      '--json',
    ]);
    expect(other.code).toBe(1);
    expect(json(other).error.code).toBe('NOT_CLAIMANT');
    const ok = await intake([
      'decide',
      id,
      '--decision',
      'HOLD',
      '--note',
      'rifle parts declared as pins',
      '--as',
      'reviewer1',
      '--json',
    ]);
    expect(ok.code).toBe(0);
    expect(json(ok)).toMatchObject({ status: 'DECIDED', decision: 'HOLD', decidedBy: 'reviewer1' });
    const again = await intake([
      'decide',
      id,
      '--decision',
      'CLEAR',
      '--note',
      'changed',
      '--as',
      'reviewer1',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('ALREADY_DECIDED');
  });

  it('show --json includes the audit; the human form shows evidence, related items and the trail', async () => {
    const id = ids[0] as string;
    const r = await intake(['show', id, '--json']);
    expect(r.code).toBe(0);
    const shown = json(r);
    expect(shown.audit.map((e: { action: string }) => e.action)).toEqual(['CLAIM', 'DECIDE']);
    expect(shown.flags[0].evidence).toEqual({ field: 'hsCodes', text: '930591' });
    const human = await intake(['show', id]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('firearms (hs-chapter-93, 80): hsCodes "930591"');
    expect(human.stdout).toMatch(/same-master-awb\s+PX-2/);
    expect(human.stdout).toMatch(/reviewer1\s+DECIDE HOLD "rifle parts declared as pins"/);
  });

  it('claim without an ID takes the next item; release gives it back; list shows it pending again', async () => {
    const claimed = await intake(['claim', '--as', 'reviewer2', '--json']);
    expect(claimed.code).toBe(0);
    expect(json(claimed)).toMatchObject({ id: ids[1], claimedBy: 'reviewer2' });
    const released = await intake(['release', ids[1] as string, '--as', 'reviewer2']);
    expect(released.code).toBe(0);
    expect(released.stdout).toContain(`released ${ids[1]}`);
    const list = await intake(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^2 pending, oldest/);
    expect(list.stdout).toContain('PX-2');
  });

  it('supervisors reassign and reopen; reviewers may not (exit 1)', async () => {
    expect(
      (await intake(['reassign', ids[2] as string, '--to', 'reviewer2', '--as', 'reviewer1'])).code,
    ).toBe(1);
    const reassigned = await intake([
      'reassign',
      ids[2] as string,
      '--to',
      'reviewer2',
      '--as',
      'supervisor1',
      '--json',
    ]);
    expect(reassigned.code).toBe(0);
    expect(json(reassigned)).toMatchObject({ claimedBy: 'reviewer2' });
    const reopened = await intake([
      'reopen',
      ids[0] as string,
      '--note',
      'licence found',
      '--as',
      'supervisor1',
      '--json',
    ]);
    expect(reopened.code).toBe(0);
    expect(json(reopened).status).toBe('PENDING');
  });

  it('carriers are refused (exit 1)', async () => {
    const r = await intake(['list', '--as', 'carrier1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FORBIDDEN');
  });

  it('exit 2 when it cannot run: no stack, or the API is not reachable', async () => {
    const none = await intake(['list'], join(tmpdir(), 'no-such-dir', 'stack.json'));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('npm start');
    const dir = await mkdtemp(join(tmpdir(), 'review-cli-down-'));
    const down = join(dir, 'stack.json');
    await writeEmulatorStack(down, emu, { apiUrl: 'http://127.0.0.1:9', webUrl: 'http://127.0.0.1:9' }); // discard port: nothing listens
    const r = await intake(['claim', '--as', 'reviewer1'], down);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot reach the review API');
  });
});
