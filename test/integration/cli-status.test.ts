import '../review/quiet-env.js';
import { createReadStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { processAll } from '../../shared/intake/process.js';
import { BUCKET, startEmulators, TABLE, writeEmulatorStack, type Emulators } from '../review/helpers.js';
import { runIntake } from '../helpers/intake-cli.js';

/**
 * `intake upload` and `intake status` as a carrier runs them (bin/intake.js in a child process)
 * against dynalite and fauxqs found through a stack file, with no ingest function running: an
 * upload is RECEIVED until a status item says otherwise, an id never uploaded is an error, and a
 * `--wait` that runs out says so with exit code 3.
 */

const SAMPLE = join('samples', 'parcels-mx.csv');
let emu: Emulators;
let stackFile: string;

const intake = (args: string[]) => runIntake(args, stackFile);

beforeAll(async () => {
  emu = await startEmulators();
  stackFile = join(await mkdtemp(join(tmpdir(), 'intake-status-')), 'stack.json');
  await writeEmulatorStack(stackFile, emu);
});

afterAll(async () => {
  await emu?.close();
});

describe('intake status', () => {
  it('refuses an id that was never uploaded, exit 2, instead of calling it RECEIVED', async () => {
    const run = await intake(['status', 'D-NEVER-UPLOADED', '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no document D-NEVER-UPLOADED on the local stack');
  });

  it('refuses a --wait that is not a number of seconds, exit 2', async () => {
    const run = await intake(['status', 'D-X', '--wait', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--wait takes a number of seconds, not "soon"');
  });

  it('shows an upload not read yet as RECEIVED; a --wait that runs out exits 3', async () => {
    const up = await intake(['upload', SAMPLE, '--carrier', 'CARRIER-A', '--json']);
    expect(up.code).toBe(0);
    const { documentId, key } = JSON.parse(up.stdout) as { documentId: string; key: string };
    expect(key).toBe(`incoming/CARRIER-A/${documentId}/parcels-mx.csv`);

    const now = await intake(['status', documentId, '--json']);
    expect(now.code).toBe(0);
    expect(JSON.parse(now.stdout)).toEqual({
      documentId,
      status: 'RECEIVED',
      counts: { received: 0, accepted: 0, rejected: 0, duplicate: 0 },
      errors: [],
    });

    const waited = await intake(['status', documentId, '--wait', '1']);
    expect(waited.code).toBe(3);
    expect(waited.stdout).toContain(`document ${documentId}: RECEIVED`);
    expect(waited.stderr).toContain(`document ${documentId} is still RECEIVED after 1 s`);

    const uploadWaited = await intake(['upload', SAMPLE, '--carrier', 'CARRIER-A', '--wait', '1', '--json']);
    expect(uploadWaited.code).toBe(3);
    expect(JSON.parse(uploadWaited.stdout)).toMatchObject({ status: 'RECEIVED' });
  });

  it('prints the counts once the document is processed, exit 0', async () => {
    const up = await intake(['upload', SAMPLE, '--carrier', 'CARRIER-B', '--json']);
    const { documentId, key } = JSON.parse(up.stdout) as { documentId: string; key: string };
    // What the ingest function records: it begins the document, reads it, completes it.
    const store = new DynamoIntakeStore(emu.db, TABLE);
    const now = new Date();
    await store.beginDocument(
      { documentId, carrierId: 'CARRIER-B', bucket: BUCKET, key, fileName: 'parcels-mx.csv', etag: '"e"' },
      now,
      60_000,
    );
    const processing = await intake(['status', documentId, '--json']);
    expect(JSON.parse(processing.stdout)).toMatchObject({ documentId, status: 'PROCESSING' });

    const { summary } = await processAll(createReadStream(SAMPLE) as AsyncIterable<Buffer>, {
      fileName: 'parcels-mx.csv',
    });
    await store.completeDocument(documentId, { ...summary, flagged: 0 }, now);
    const done = await intake(['status', documentId, '--json', '--wait', '5']);
    expect(done.code).toBe(0);
    expect(done.stderr).toBe('');
    const body = JSON.parse(done.stdout) as {
      status: string;
      counts: { received: number; accepted: number; rejected: number; duplicate: number };
    };
    expect(body).toMatchObject({ documentId, status: summary.status, counts: summary.counts });
    expect(body.counts.received).toBe(body.counts.accepted + body.counts.rejected + body.counts.duplicate);
    expect(body.counts.received).toBeGreaterThan(0);
  });
});
