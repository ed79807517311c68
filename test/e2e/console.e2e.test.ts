import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../web/build.js';
import { ARTIFACTS_DIR, browserSkipReason, launchBrowser, screenshot, signInAs } from './browser.js';
import { RAW_CSV, startReviewStack, type ReviewStack } from './review-stack.js';

/**
 * The reviewer console in headless Chromium against the real review stack (the local server,
 * the review function, dynalite, fauxqs): a reviewer signs in, claims, sees the evidence,
 * decides with a note and the audit shows it; a second reviewer sees the item is not theirs;
 * a supervisor sees the queue depth. Screenshots go to test-artifacts/e2e/.
 */

const skip = browserSkipReason();
if (skip) console.warn(`[e2e] ${skip}`);

describe.skipIf(skip !== null)('reviewer console (headless Chromium, real review API)', () => {
  let stack: ReviewStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(stack.url);
    return page;
  }

  /** The API's own view of an item, to check what the console did really happened. */
  async function apiGet(
    path: string,
    user: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${stack.url}${path}`, { headers: { Authorization: `Bearer dev:${user}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  let reviewer1: Page;
  let reviewer2: Page;
  let target: ReviewStack['items'][number];

  beforeAll(async () => {
    const { dir } = await buildWeb({ outDir: join(ARTIFACTS_DIR, 'web') });
    stack = await startReviewStack({ webRoot: dir });
    browser = await launchBrowser();
    target = stack.items[0] as ReviewStack['items'][number];
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
  });

  it('serves the console and signs a development user in', async () => {
    reviewer1 = await newPage();
    await reviewer1.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(reviewer1, '01-login');
    await signInAs(reviewer1, 'reviewer1');
    expect(await reviewer1.locator('#whoami').textContent()).toBe('reviewer1');
  });

  it('shows the pending queue sorted by score, with working filters', async () => {
    const rows = reviewer1.locator('#queue-body tr');
    await rows.nth(2).waitFor();
    expect(await rows.locator('th a').allTextContents()).toEqual(['PX1000002', 'PX1000003', 'PX1000007']);
    expect(await rows.locator('td.num .score').allTextContents()).toEqual(['90', '85', '60']);

    await reviewer1.getByLabel('Category').selectOption('fuel');
    await reviewer1.locator('#queue-caption', { hasText: 'category fuel' }).waitFor();
    expect(await rows.locator('th a').allTextContents()).toEqual(['PX1000007']);
    await reviewer1.getByLabel('Category').selectOption('');
    await reviewer1.locator('#queue-caption', { hasText: /^3 items/ }).waitFor();

    await reviewer1.getByLabel('Min score').fill('80');
    expect(await rows.locator('th a').allTextContents()).toEqual(['PX1000002', 'PX1000003']);
    await reviewer1.getByLabel('Min score').fill('');

    await reviewer1.getByRole('button', { name: 'Age' }).click();
    expect(await rows.locator('th a').allTextContents()).toEqual(['PX1000003', 'PX1000002', 'PX1000007']);
    await reviewer1.getByRole('button', { name: 'Score' }).click();
    expect(await rows.locator('th a').first().textContent()).toBe('PX1000002');
  });

  it('claims the top item with the keyboard and highlights the evidence', async () => {
    await reviewer1.locator('#main').focus();
    await reviewer1.keyboard.press('j');
    await reviewer1.locator('#detail-h', { hasText: target.ref }).waitFor();
    await reviewer1.keyboard.press('c');
    await reviewer1.locator('#ownership', { hasText: 'You hold this item' }).waitFor();
    await reviewer1.locator('#status', { hasText: `Claimed ${target.ref}` }).waitFor();
    // It left the pending queue, and the console says who holds what.
    await reviewer1.locator('#mine', { hasText: `You hold: ${target.ref}` }).waitFor();
    expect(await reviewer1.locator('#queue-body th a').allTextContents()).toEqual(['PX1000003', 'PX1000007']);

    const marks = (field: string) =>
      reviewer1.locator(`#consignment [data-field="${field}"] mark.evidence`).allTextContents();
    expect(await marks('description')).toEqual(['rifle receiver']);
    // Folded comparison: the watchlist's upper-case name marks the name as written.
    expect(await marks('shipper.name')).toEqual(['Shenzhen Bright Trading']);
    expect(await marks('hsCodes')).toEqual(['930320']);
    expect(await marks('consignee.name')).toEqual([]);
    expect(await reviewer1.locator('#flags li').count()).toBe(3);

    // Related consignments (the three parcels share a master AWB) and the original document.
    const related = await reviewer1.locator('#related li').allTextContents();
    expect(related.map((t) => t.split(' · ').slice(0, 2))).toEqual(
      expect.arrayContaining([
        ['PX1000003', 'Same master AWB'],
        ['PX1000007', 'Same master AWB'],
      ]),
    );
    const [download] = await Promise.all([
      reviewer1.waitForEvent('download'),
      reviewer1.locator('#document-link').click(),
    ]);
    expect(download.suggestedFilename()).toBe('parcels-mx.csv');
    expect(await readFile(await download.path(), 'utf8')).toBe(RAW_CSV);

    await screenshot(reviewer1, '02-reviewer1-claimed-evidence');
  });

  it('shows a second reviewer that the item is not theirs', async () => {
    reviewer2 = await newPage();
    await signInAs(reviewer2, 'reviewer2');
    await reviewer2.getByLabel('Status').selectOption('IN_REVIEW');
    const row = reviewer2.locator('#queue-body tr', { hasText: target.ref });
    await row.waitFor();
    expect(await row.locator('td').last().textContent()).toBe('reviewer1');
    await row.locator('a').click();
    await reviewer2.locator('#ownership', { hasText: 'Not yours' }).waitFor();
    expect(await reviewer2.locator('#ownership').textContent()).toContain('held by reviewer1');
    expect(await reviewer2.locator('#decide-form').count()).toBe(0);
    expect(await reviewer2.locator('#release').count()).toBe(0);

    // Trying anyway: the API's 409 becomes a sentence naming the holder.
    await reviewer2.locator('#claim').click();
    await reviewer2.locator('#alert', { hasText: 'Held by reviewer1 (409)' }).waitFor();
    await screenshot(reviewer2, '03-reviewer2-held-by-other');
  });

  it('requires a note, then records the decision in the audit trail', async () => {
    await reviewer1.keyboard.press('2');
    expect(await reviewer1.locator('input[name="decision"][value="HOLD"]').isChecked()).toBe(true);
    expect(await reviewer1.evaluate(() => document.activeElement?.id)).toBe('decision-note');
    await reviewer1.keyboard.press('Enter');
    await reviewer1.locator('#alert', { hasText: 'A note is required' }).waitFor();
    expect(await reviewer1.locator('#decision-note').getAttribute('aria-invalid')).toBe('true');

    const note = 'Receiver is a controlled firearm part: hold for licence check.';
    await reviewer1.keyboard.type(note);
    await reviewer1.keyboard.press('Enter');
    await reviewer1.locator('#status', { hasText: `Decided Hold on ${target.ref}` }).waitFor();
    expect(await reviewer1.locator('#item-status').textContent()).toBe('Decided');
    expect(await reviewer1.locator('#item-decision').textContent()).toBe('Hold');
    expect(await reviewer1.locator('.summary').textContent()).toContain('Decided byreviewer1');

    const audit = reviewer1.locator('#audit tbody tr');
    expect(await audit.count()).toBe(2);
    const cells = async (i: number) => (await audit.nth(i).locator('td').allTextContents()).slice(1);
    expect(await cells(0)).toEqual(['reviewer1', 'Claim', '']);
    expect(await cells(1)).toEqual(['reviewer1', 'Decide', `Hold: ${note}`]);
    await screenshot(reviewer1, '04-reviewer1-decided-audit');

    // The API agrees: the trail is stored, not just drawn.
    const { body } = await apiGet(`/review/items/${encodeURIComponent(target.id)}`, 'reviewer2');
    const trail = body.audit as Array<{ actor: string; action: string; decision?: string; note?: string }>;
    expect(trail.map((a) => [a.actor, a.action, a.decision ?? null, a.note ?? null])).toEqual([
      ['reviewer1', 'CLAIM', null, null],
      ['reviewer1', 'DECIDE', 'HOLD', note],
    ]);
  });

  it('tells the second reviewer the item is already decided', async () => {
    await reviewer2.locator('#claim').click();
    await reviewer2.locator('#alert', { hasText: 'already been decided' }).waitFor();
    expect(await reviewer2.locator('#item-status').textContent()).toBe('Decided');
  });

  it('claims the next item and releases it with the keyboard', async () => {
    await reviewer2.locator('#main').focus();
    await reviewer2.keyboard.press('n');
    await reviewer2.locator('#ownership', { hasText: 'You hold this item' }).waitFor();
    expect(await reviewer2.locator('#detail-h').textContent()).toBe('PX1000003');
    expect(await reviewer2.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('decision');
    await reviewer2.keyboard.press('r');
    await reviewer2.locator('#status', { hasText: 'Released PX1000003' }).waitFor();
    expect(await reviewer2.locator('#item-status').textContent()).toBe('Pending');
    const actions = (await apiGet('/review/items/e2edoc0001-L0000003', 'reviewer2')).body.audit as Array<{
      action: string;
    }>;
    expect(actions.map((a) => a.action)).toEqual(['CLAIM', 'RELEASE']);
  });

  it('shows a supervisor the queue depth and oldest age', async () => {
    const supervisor = await newPage();
    await signInAs(supervisor, 'supervisor1');
    await supervisor.locator('#stat-depth').waitFor();
    expect(await supervisor.locator('#stat-depth').textContent()).toBe('2');
    // The oldest pending item was queued three hours before the test.
    expect(await supervisor.locator('#stat-oldest').textContent()).toMatch(/^3h \d\dm$/);
    await screenshot(supervisor, '05-supervisor-overview');

    // A supervisor reopens the decision, on record; the queue grows again.
    await supervisor.getByLabel('Status').selectOption('DECIDED');
    await supervisor.locator('#queue-body tr', { hasText: target.ref }).locator('a').click();
    await supervisor.getByLabel('Reopen with a note').fill('Licence found on file: look again.');
    await supervisor.getByRole('button', { name: 'Reopen' }).click();
    await supervisor.locator('#status', { hasText: `Reopened ${target.ref}` }).waitFor();
    expect(await supervisor.locator('#item-status').textContent()).toBe('Pending');
    const last = await supervisor.locator('#audit tbody tr').last().locator('td').allTextContents();
    expect(last.slice(1)).toEqual([
      'supervisor1',
      'Reopen',
      'reopens Hold by reviewer1: Licence found on file: look again.',
    ]);
    await supervisor.locator('#stat-depth', { hasText: '3' }).waitFor();
  });

  it('keeps the page in place when a message comes or goes, so a click lands where aimed', async () => {
    // announce() empties the status line, then fills it 30 ms later: the queue must not jump
    // under the pointer meanwhile (a click aimed at a row would open another or none).
    const queueTop = () => reviewer1.locator('#queue-table').evaluate((e) => e.getBoundingClientRect().top);
    await reviewer1.evaluate(() => {
      document.getElementById('status')!.textContent = '';
    });
    const empty = await queueTop();
    await reviewer1.getByRole('button', { name: 'Age' }).click();
    await reviewer1.locator('#status', { hasText: 'Sorted by age.' }).waitFor();
    expect(Math.abs((await queueTop()) - empty)).toBeLessThan(1);
    await reviewer1.getByRole('button', { name: 'Score' }).click();
    await reviewer1.locator('#status', { hasText: 'Sorted by score.' }).waitFor();
    expect(Math.abs((await queueTop()) - empty)).toBeLessThan(1);
  });

  it('lets ops watch the queue but not act, with a clear 403', async () => {
    const ops = await newPage();
    await signInAs(ops, 'ops1');
    await ops.locator('#stat-depth').waitFor();
    expect(await ops.locator('#claim-next').isVisible()).toBe(false);
    await ops.locator('#queue-body tr a').first().click();
    await ops
      .locator('#detail .actions', { hasText: 'As ops you can view items, not act on them.' })
      .waitFor();
    expect(await ops.locator('#claim').count()).toBe(0);
    // The shortcut still reaches the API, which refuses: the message says why.
    await ops.locator('#main').focus();
    await ops.keyboard.press('c');
    await ops.locator('#alert', { hasText: 'Not allowed (403): as ops you cannot claim it' }).waitFor();
  });

  it('keeps an accessible page: labelled controls, live regions, help dialog', async () => {
    const unlabelled = await reviewer1.evaluate(() =>
      Array.from(document.querySelectorAll('input, select, textarea'))
        .filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label'))
        .map((e) => e.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    expect(await reviewer1.locator('#status').getAttribute('aria-live')).toBe('polite');
    expect(await reviewer1.locator('#alert').getAttribute('role')).toBe('alert');

    await reviewer1.locator('#main').focus();
    await reviewer1.keyboard.press('?');
    const help = reviewer1.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent()).toContain('Claim the open item');
    await screenshot(reviewer1, '06-shortcut-help');
    await reviewer1.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    // Narrow screens stack the queue above the detail.
    await reviewer1.setViewportSize({ width: 640, height: 900 });
    const queueBox = await reviewer1.locator('#queue').boundingBox();
    const detailBox = await reviewer1.locator('#detail').boundingBox();
    expect(detailBox && queueBox && detailBox.y >= queueBox.y + queueBox.height).toBe(true);
    await screenshot(reviewer1, '07-narrow-screen');
    expect(pageErrors).toEqual([]);
  });
});
