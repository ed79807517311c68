import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds the reviewer console into `web/dist/` (git-ignored): one ES module bundle plus the page
 * and its stylesheet. The local server serves that folder at `/`; in the cloud it is the S3 origin.
 * No inline script or style, so a strict Content-Security-Policy (`default-src 'self'`) holds.
 */
export const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST_DIR = join(WEB_DIR, 'dist');

export interface BuildWebOptions {
  /** Where to write; default `web/dist`. */
  outDir?: string;
  /** Minify the bundle (default true). */
  minify?: boolean;
}

export async function buildWeb(options: BuildWebOptions = {}): Promise<{ dir: string }> {
  const dir = resolve(options.outDir ?? WEB_DIST_DIR);
  await mkdir(dir, { recursive: true });
  await build({
    entryPoints: [join(WEB_DIR, 'src', 'main.ts')],
    outfile: join(dir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await Promise.all(
    ['index.html', 'app.css', 'favicon.svg'].map((f) => copyFile(join(WEB_DIR, f), join(dir, f))),
  );
  return { dir };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // `--out <dir>`: build elsewhere than web/dist (the CDK app bundles the console into its assembly).
  const out = process.argv.indexOf('--out');
  if (out !== -1 && !process.argv[out + 1]) throw new Error('--out needs a folder');
  const { dir } = await buildWeb(out === -1 ? {} : { outDir: process.argv[out + 1] });
  process.stdout.write(`web console built into ${dir}\n`);
}
