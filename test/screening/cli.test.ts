import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { screenFile } from '../../cli/commands/screen.js';
import { profileFrom } from '../../cli/commands/validate.js';
import { loadScreener } from '../../shared/screening/load.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const demo = join(root, 'eval/data/demo-parcels.csv');
const watchlist = join(root, 'eval/data/watchlist.csv');

async function capture(mode: 'json' | 'summary'): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await screenFile(demo, await loadScreener({ watchlistFile: watchlist }), mode, out);
  return Buffer.concat(chunks).toString('utf8');
}

describe('intake screen', () => {
  it('--json prints the validate JSON with flags, riskScore and evidence on every consignment', async () => {
    const doc = JSON.parse(await capture('json')) as {
      format: string;
      status: string;
      consignments: {
        parcelId: string;
        description: string;
        flags: { category: string; rule: string; evidence: { field: string; text: string } }[];
        riskScore: number;
        review: boolean;
        ruleSetVersion: string;
      }[];
      errors: unknown[];
      flagged: number;
    };
    expect(doc).toMatchObject({ format: 'parcel-csv', status: 'accepted', errors: [] });
    expect(doc.consignments.length).toBeGreaterThan(80);
    for (const c of doc.consignments) {
      expect(Array.isArray(c.flags)).toBe(true);
      expect(typeof c.riskScore).toBe('number');
      expect(c.ruleSetVersion).toBe('default@1.4.0');
    }
    const categories = new Set(
      doc.consignments.filter((c) => c.review).flatMap((c) => c.flags.map((f) => f.category)),
    );
    expect([...categories].sort()).toEqual([
      'denied-party',
      'firearms',
      'fuel',
      'misdeclaration',
      'narcotics',
      'precursors',
    ]);
    const split = doc.consignments.filter((c) => c.flags.some((f) => f.rule === 'consignee-splitting'));
    expect(split).toHaveLength(8);
    expect(doc.flagged).toBe(doc.consignments.filter((c) => c.review).length);
    const clean = doc.consignments.slice(0, 30);
    expect(clean.filter((c) => c.review)).toEqual([]);
  });

  it('--summary prints one JSON line with the flagged count', async () => {
    const lines = (await capture('summary')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const s = JSON.parse(lines[0]!) as Record<string, number>;
    expect(s).toMatchObject({ consignments: 117, rejected: 0, errors: 0 });
    expect(s.flagged).toBeGreaterThan(50);
  });

  it('runs as a command: exit 0 on a manifest with findings, 2 when it cannot run', async () => {
    const cli = join(root, 'cli/main.ts');
    const tsx = join(root, 'node_modules/.bin/tsx');
    const ok = spawnSync(tsx, [cli, 'screen', demo, '--summary'], { encoding: 'utf8', cwd: root });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ format: 'parcel-csv', consignments: 117 });
    const dir = await mkdtemp(join(tmpdir(), 'screen-cli-'));
    const bad = join(dir, 'rules.json');
    await writeFile(bad, '{"name":"broken"}');
    const fail = spawnSync(tsx, [cli, 'screen', demo, '--rules', bad], { encoding: 'utf8', cwd: root });
    expect(fail.status).toBe(2);
    expect(fail.stderr).toMatch(/is not a valid rule set/);
    // Usage errors, and files that are not there, also exit 2 with a clear reason.
    for (const [args, reason] of [
      [['screen', demo, '--bogus'], /unknown option '--bogus'/],
      [['screen'], /missing required argument 'file'/],
      [['screen', demo, '--watchlist'], /argument missing/],
      [['screen', join(dir, 'none.csv')], /^intake: cannot read .*none\.csv: no such file$/m],
      [['screen', dir], /^intake: cannot read .*: not a file$/m],
    ] as const) {
      const r = spawnSync(tsx, [cli, ...args], { encoding: 'utf8', cwd: root });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(reason);
    }
  }, 60_000);

  it('names the profile file and what is wrong with it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'profile-cli-'));
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{bad');
    await expect(profileFrom({ profile: broken })).rejects.toThrow(
      /^profile .*broken\.json is not valid JSON: /,
    );
    const wrong = join(dir, 'wrong.json');
    await writeFile(wrong, '{"BuyerName": 3}');
    await expect(profileFrom({ profile: wrong })).rejects.toThrow(
      /^profile .*wrong\.json is not a column mapping \(BuyerName: .*expected string/,
    );
  });

  it('stops quietly when its reader stops early (| head)', async () => {
    const child = spawn(
      join(root, 'node_modules/.bin/tsx'),
      [join(root, 'cli/main.ts'), 'screen', demo, '--json'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 60_000);
});
