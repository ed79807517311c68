import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * `cdk synth -c env=<env> --quiet` into a private output folder (.local/cdk.out), only when the
 * sources changed since the last synth. A private folder keeps `npm start`, the tests and anyone
 * running `cdk synth`/`cdk deploy` by hand from overwriting each other's cloud assembly; a lock
 * keeps two local runs from synthesizing at once.
 */

export interface SynthOptions {
  /** Environment name passed as `-c env=…` (dev by default). */
  env?: string;
  /** Project root (where cdk.json lives). */
  root?: string;
  /** Output folder; `<root>/.local/cdk.out` by default. */
  outDir?: string;
  /** Synthesize even when nothing changed. */
  force?: boolean;
  /** Progress lines (synth takes several seconds). */
  progress?: (line: string) => void;
  /** Give up after this long (ms). */
  timeoutMs?: number;
}

export interface SynthResult {
  dir: string;
  synthesized: boolean;
  seconds: number;
  reason: string;
}

interface Stamp {
  env: string;
  sourceMtime: number;
  synthesizedAt: string;
}

const SOURCES = ['infra', 'functions', 'shared', 'cdk.json', 'package-lock.json', 'tsconfig.json'];
const STAMP = '.local-synth.json';

/** Newest modification time among the sources (files and folders, so deletions count too). */
export async function newestSourceMtime(root: string): Promise<number> {
  let newest = 0;
  const walk = async (path: string): Promise<void> => {
    let s;
    try {
      s = await stat(path);
    } catch {
      return;
    }
    newest = Math.max(newest, s.mtimeMs);
    if (!s.isDirectory()) return;
    for (const entry of await readdir(path)) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      await walk(join(path, entry));
    }
  };
  for (const source of SOURCES) await walk(join(root, source));
  return newest;
}

async function readStamp(dir: string): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, STAMP), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

async function staleReason(root: string, dir: string, env: string): Promise<string | undefined> {
  const stamp = await readStamp(dir);
  if (!stamp || !existsSync(join(dir, 'manifest.json'))) return 'no earlier synth';
  if (stamp.env !== env) return `last synth was for env=${stamp.env}`;
  if ((await newestSourceMtime(root)) > stamp.sourceMtime) return 'sources changed since the last synth';
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function withLock<T>(lockDir: string, progress: (l: string) => void, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockDir), { recursive: true });
  let told = false;
  for (const started = Date.now(); ;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => '0'));
      if (pid && !alive(pid)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > 10 * 60_000)
        throw new Error(`another synth (pid ${pid}) holds ${lockDir} for over 10 minutes`);
      if (!told) progress(`  waiting for another synth (pid ${pid || '?'}) to finish…`);
      told = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    await removeLeftovers(lockDir.replace(/\.lock$/, ''));
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/** Half-written assemblies of runs that were interrupted (their process is gone). */
async function removeLeftovers(dir: string): Promise<void> {
  const parent = dirname(dir);
  const base = dir.slice(parent.length + 1);
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    const m = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:tmp|old)-(\\d+)$`).exec(entry);
    if (m && (Number(m[1]) === process.pid || !alive(Number(m[1]))))
      await rm(join(parent, entry), { recursive: true, force: true });
  }
}

const NOISE = [
  /^npm warn/i,
  /feature flags are not configured/i,
  /^Supply a stack id/i,
  /^Successfully synthesized/i,
  /^\s*$/,
];

function runCdk(
  root: string,
  env: string,
  out: string,
  progress: (l: string) => void,
  timeoutMs: number,
): Promise<void> {
  const bin = join(root, 'node_modules', '.bin', 'cdk');
  if (!existsSync(bin)) return Promise.reject(new Error(`${bin} not found: run npm ci first`));
  return new Promise<void>((resolvePromise, reject) => {
    const child = spawn(bin, ['synth', '-c', `env=${env}`, '--quiet', '--output', out], {
      cwd: root,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    let lastOutput = Date.now();
    const started = Date.now();
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        tail.push(line);
        if (tail.length > 60) tail.shift();
        if (NOISE.some((re) => re.test(line))) continue;
        lastOutput = Date.now();
        progress(`  ${line.trim()}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const ticker = setInterval(() => {
      if (Date.now() - lastOutput >= 4000) {
        progress(`  … still synthesizing (${Math.round((Date.now() - started) / 1000)} s)`);
        lastOutput = Date.now();
      }
    }, 1000);
    const killer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(ticker);
      clearTimeout(killer);
      if (code === 0) resolvePromise();
      else {
        const why = signal
          ? `was stopped (${signal}${Date.now() - started >= timeoutMs ? ', timed out' : ''})`
          : `exited with code ${code}`;
        reject(
          new Error(
            `cdk synth -c env=${env} ${why}:\n${tail.filter((l) => !NOISE.some((re) => re.test(l))).join('\n')}`,
          ),
        );
      }
    });
  });
}

/** Makes sure `outDir` holds a cloud assembly synthesized from the current sources. */
export async function ensureSynth(options: SynthOptions = {}): Promise<SynthResult> {
  const root = resolve(options.root ?? process.cwd());
  const env = options.env ?? 'dev';
  const dir = resolve(options.outDir ?? join(root, '.local', 'cdk.out'));
  const progress = options.progress ?? (() => {});
  if (!existsSync(join(root, 'infra', 'app.ts')))
    throw new Error(`${join(root, 'infra', 'app.ts')} does not exist: there is no CDK app to synthesize yet`);

  const reason = options.force ? 'asked to' : await staleReason(root, dir, env);
  if (!reason) return { dir, synthesized: false, seconds: 0, reason: 'up to date' };

  return withLock(`${dir}.lock`, progress, async () => {
    // Someone else may have synthesized while we waited for the lock.
    const stillStale = options.force ? 'asked to' : await staleReason(root, dir, env);
    if (!stillStale) return { dir, synthesized: false, seconds: 0, reason: 'synthesized by another run' };
    const started = Date.now();
    const sourceMtime = await newestSourceMtime(root);
    progress(`Synthesizing the CDK app (env=${env}, ${stillStale}); functions are bundled with esbuild…`);
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    try {
      await runCdk(root, env, tmp, progress, options.timeoutMs ?? 5 * 60_000);
      const stamp: Stamp = { env, sourceMtime, synthesizedAt: new Date().toISOString() };
      await writeFile(join(tmp, STAMP), JSON.stringify(stamp, null, 2));
      // Swap in the new assembly; running workers keep the code they already loaded.
      const old = `${dir}.old-${process.pid}`;
      if (existsSync(dir)) await rename(dir, old);
      await rename(tmp, dir);
      await rm(old, { recursive: true, force: true });
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    }
    const seconds = (Date.now() - started) / 1000;
    progress(`  ✓ synthesized in ${seconds.toFixed(1)} s → ${dir}`);
    return { dir, synthesized: true, seconds, reason: stillStale };
  });
}
