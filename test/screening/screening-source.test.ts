import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScreeningSource, type ScreeningSourceOptions } from '../../shared/aws/screening-config.js';
import { BUCKET, startEmulators, type Emulators } from './emulators.js';
import { parcel } from './fixtures.js';

/**
 * A warm function's screener follows the rule set and the list in S3 (fauxqs): a list uploaded
 * after the container started is used from the next check on, and a bad upload is refused with
 * the screener in use kept.
 */

const csv = readFileSync('config/watchlists/sample-csl.csv', 'utf8');
const lines = csv.split('\n');
const header = lines[0]!;
// Version 1 lacks Rigoberto (sample-0001); version 2 lists him.
const v1 = lines.filter((l) => !l.startsWith('sample-0001,')).join('\n');
const v2 = csv;
const LISTED = 'Rigoberto Quintero Barragan';
const WATCHLIST = 'screening/source-csl.csv';
const RULES = 'screening/source-rules.json';
const rules = JSON.parse(readFileSync('config/rules/default.json', 'utf8')) as {
  name: string;
  version: string;
};

let emu: Emulators;
const put = (key: string, body: string) =>
  emu.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const flagsFor = async (source: ScreeningSource) =>
  (await source.current())
    .screen(parcel({ consignee: { ...parcel().consignee!, name: LISTED } }))
    .flags.map((f) => f.rule);

/** A source on a clock the test moves; it records what it was told. */
async function sourceWithClock(over: Partial<ScreeningSourceOptions> = {}) {
  let now = 1_000_000;
  const reloads: string[] = [];
  const errors: string[] = [];
  const source = await ScreeningSource.load({
    env: { SCREENING_RULES: `s3://${BUCKET}/${RULES}`, SCREENING_WATCHLIST: `s3://${BUCKET}/${WATCHLIST}` },
    s3: () => emu.s3,
    refreshSeconds: 60,
    now: () => now,
    onReload: (s) => reloads.push(`${s.ruleSetVersion} ${s.watchlistVersion}`),
    onError: (e) => errors.push(e instanceof Error ? e.message : String(e)),
    ...over,
  });
  return { source, reloads, errors, advance: (seconds: number) => (now += seconds * 1000) };
}

beforeAll(async () => {
  emu = await startEmulators();
});

afterAll(async () => {
  await emu?.close();
});

describe('ScreeningSource', () => {
  it('uses a list uploaded after the start from the next check on, not before', async () => {
    await put(RULES, JSON.stringify(rules));
    await put(WATCHLIST, v1);
    const { source, reloads, advance } = await sourceWithClock();
    const first = await source.current();
    expect(await flagsFor(source)).toEqual([]);

    await put(WATCHLIST, v2);
    advance(59);
    expect(await source.current()).toBe(first); // not checked yet
    advance(1);
    expect(await flagsFor(source)).toEqual(['denied-party-exact']);
    expect(reloads).toHaveLength(1);
    expect((await source.current()).watchlistVersion).not.toBe(first.watchlistVersion);

    // Nothing changed since: the next check keeps the same screener.
    const second = await source.current();
    advance(120);
    expect(await source.current()).toBe(second);
    expect(reloads).toHaveLength(1);
  });

  it('follows a new rule set too', async () => {
    await put(RULES, JSON.stringify(rules));
    await put(WATCHLIST, v2);
    const { source, advance } = await sourceWithClock();
    expect((await source.current()).ruleSetVersion).toBe(`default@${rules.version}`);
    await put(RULES, JSON.stringify({ ...rules, name: 'prod' }));
    advance(60);
    expect((await source.current()).ruleSetVersion).toBe(`prod@${rules.version}`);
  });

  it('refuses a bad, an emptied or a deleted list, keeps screening with the one in use, and takes the next good one', async () => {
    await put(RULES, JSON.stringify(rules));
    await put(WATCHLIST, v2);
    const { source, errors, reloads, advance } = await sourceWithClock();
    const inUse = await source.current();

    await put(WATCHLIST, 'this is not a screening list\n"unclosed');
    advance(60);
    expect(await source.current()).toBe(inUse);
    expect(errors).toHaveLength(1);

    await put(WATCHLIST, `${header}\n`);
    advance(60);
    expect(await source.current()).toBe(inUse);
    expect(errors[1]).toMatch(/lists no names: refused, screening goes on with the list in use/);

    await emu.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: WATCHLIST }));
    advance(60);
    expect(await source.current()).toBe(inUse);
    expect(errors).toHaveLength(3);
    expect(await flagsFor(source)).toEqual(['denied-party-exact']);
    expect(reloads).toEqual([]);

    await put(WATCHLIST, v1);
    advance(60);
    expect(await flagsFor(source)).toEqual([]);
    expect(reloads).toHaveLength(1);
  });

  it('follows a list given as a local file (the local stack, the CLI)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'screening-source-')), 'csl.csv');
    writeFileSync(file, v1);
    const { source, advance } = await sourceWithClock({ env: { SCREENING_WATCHLIST: file } });
    expect(await flagsFor(source)).toEqual([]);
    writeFileSync(file, v2);
    advance(60);
    expect(await flagsFor(source)).toEqual(['denied-party-exact']);
  });

  it('says at a cold start that the list names nobody, and takes the next list with names', async () => {
    await put(RULES, JSON.stringify(rules));
    await put(WATCHLIST, `${header}\n`);
    const { source, errors, advance } = await sourceWithClock();
    expect(errors).toEqual([
      `the watchlist s3://${BUCKET}/${WATCHLIST} lists no names: no party is screened until a list with names is uploaded`,
    ]);
    expect(await flagsFor(source)).toEqual([]);
    await put(WATCHLIST, v2);
    advance(60);
    expect(await flagsFor(source)).toEqual(['denied-party-exact']);
  });

  it('reloads once when checks overlap', async () => {
    await put(RULES, JSON.stringify(rules));
    await put(WATCHLIST, v1);
    const { source, reloads, advance } = await sourceWithClock();
    await put(WATCHLIST, v2);
    advance(60);
    const [a, b] = await Promise.all([source.current(), source.current()]);
    expect(a).toBe(b);
    expect(reloads).toHaveLength(1);
  });

  it('refuses a refresh interval that is not a number of seconds', async () => {
    await expect(
      ScreeningSource.load({ env: { SCREENING_REFRESH_SECONDS: 'often' }, s3: () => emu.s3 }),
    ).rejects.toThrow('SCREENING_REFRESH_SECONDS must be a number of seconds, not "often"');
  });
});
