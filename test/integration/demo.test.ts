import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/local-stack.js';

/** `npm run demo -- --json`, exactly as the README says: a whole local stack in a child process. */

function run(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run demo -- --json', () => {
  it(
    'processes samples/ and reports flagged > 0 and queued = flagged on its last stdout line',
    { timeout: 240_000 },
    async () => {
      const { code, stdout, stderr } = await run(
        'npm',
        ['run', '--silent', 'demo', '--', '--json', '--timeout', '200'],
        230_000,
      );
      expect(code, stderr).toBe(0);
      const lines = stdout.trim().split('\n');
      const summary = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
      for (const field of ['documents', 'consignments', 'rejected', 'flagged', 'queued'])
        expect(typeof summary[field], field).toBe('number');
      expect(summary.documents).toBeGreaterThan(0);
      expect(summary.consignments).toBeGreaterThan(0);
      expect(summary.flagged).toBeGreaterThan(0);
      expect(summary.queued).toBe(summary.flagged);
      expect(summary.deadLettered).toBe(0);
      // Progress went to stderr, so stdout is the JSON alone.
      expect(lines).toHaveLength(1);
      expect(stderr).toMatch(/Provisioned from ManifestIntake-dev-/);
    },
  );
});
