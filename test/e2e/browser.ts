import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Headless Chromium from Debian (`apt-get install chromium`, see .ci/install-browser.sh),
 * driven by playwright-core. No browser is ever downloaded.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export const ARTIFACTS_DIR = resolve('test-artifacts', 'e2e');

/**
 * Why the browser tests cannot run here, or null when they must. In CI the browser is installed
 * by .ci/install-browser.sh, so a missing browser there is a failure, not a skip.
 */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM) || process.env.CI) return null;
  return `${CHROMIUM} is not installed (run .ci/install-browser.sh, or apt-get install chromium): browser e2e tests skipped`;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Saves a full-page screenshot under test-artifacts/e2e and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in on the console's login form as a development user. */
export async function signInAs(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel(name, { exact: false }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#whoami', { hasText: name }).waitFor();
}
