import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureSynth } from './synth.js';
import { LocalStack, type LocalStackOptions } from './stack.js';

/** What `npm start` and `npm run demo` share: options, synth, start-up with progress. */

export const STAGE_PREFIX = 'ManifestIntake';

export interface BootOptions {
  env: string;
  region?: string;
  fauxqsPort?: number;
  dynamodbPort?: number;
  forceSynth: boolean;
  verbose: boolean;
  /** Run this existing cloud assembly instead of synthesizing. */
  assembly?: string;
}

const port = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
};

/** Parses the shared flags plus `extra` ones; unknown flags are an error. */
export function parseFlags<
  T extends Record<string, { type: 'boolean' | 'string'; default?: boolean | string }>,
>(argv: string[], extra: T) {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string', default: process.env.INTAKE_ENV ?? 'dev' },
      region: { type: 'string' },
      'fauxqs-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'force-synth': { type: 'boolean', default: false },
      assembly: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...extra,
    },
    strict: true,
    allowPositionals: false,
  });
  const v = values as Record<string, string | boolean | undefined>;
  const boot: BootOptions = {
    env: String(v.env),
    ...(v.region || process.env.INTAKE_REGION
      ? { region: String(v.region ?? process.env.INTAKE_REGION) }
      : {}),
    fauxqsPort: port(
      (v['fauxqs-port'] as string | undefined) ?? process.env.INTAKE_FAUXQS_PORT,
      '--fauxqs-port',
    ),
    dynamodbPort: port(
      (v['dynamodb-port'] as string | undefined) ?? process.env.INTAKE_DYNAMODB_PORT,
      '--dynamodb-port',
    ),
    forceSynth: v['force-synth'] === true,
    verbose: v.verbose === true,
    ...(v.assembly ? { assembly: resolve(String(v.assembly)) } : {}),
  };
  return { boot, values: v, help: v.help === true };
}

export const SHARED_HELP = `  --env <name>            environment to synthesize and run (default dev; INTAKE_ENV)
  --fauxqs-port <n>       fixed port for S3 + SQS (default: a free port; INTAKE_FAUXQS_PORT)
  --dynamodb-port <n>     fixed port for DynamoDB (default: a free port; INTAKE_DYNAMODB_PORT)
  --region <name>         region for ARNs and clients (default us-east-1; INTAKE_REGION)
  --force-synth           synthesize even when infra/, functions/ and shared/ did not change
  --assembly <dir>        run an existing cloud assembly (a cdk.out folder) instead of synthesizing
  --verbose               echo function logs here as well as in the log files`;

/** The AWS SDK warns on every start that it will need Node 22 in 2027; this machine runs Node 20. */
export function quietSdkNodeWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export async function clearLogs(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of await readdir(dir)) if (f.endsWith('.log')) await rm(join(dir, f), { force: true });
}

/** Synthesizes when needed, then starts the stack for stage ManifestIntake-<env>. */
export async function boot(
  options: BootOptions,
  extra: Omit<LocalStackOptions, 'assemblyDir' | 'stage' | 'region' | 'fauxqsPort' | 'dynamodbPort'> & {
    progress: (l: string) => void;
  },
): Promise<LocalStack> {
  const root = process.cwd();
  let assemblyDir = options.assembly;
  if (assemblyDir) extra.progress(`Using the cloud assembly in ${assemblyDir} (no synth)`);
  else {
    const synth = await ensureSynth({
      env: options.env,
      root,
      force: options.forceSynth,
      progress: extra.progress,
    });
    if (!synth.synthesized) extra.progress(`Cloud assembly up to date (${synth.dir}); no synth needed`);
    assemblyDir = synth.dir;
  }
  return LocalStack.start({
    ...extra,
    assemblyDir,
    stage: `${STAGE_PREFIX}-${options.env}`,
    ...(options.region ? { region: options.region } : {}),
    ...(options.fauxqsPort !== undefined ? { fauxqsPort: options.fauxqsPort } : {}),
    ...(options.dynamodbPort !== undefined ? { dynamodbPort: options.dynamodbPort } : {}),
    ...(options.verbose
      ? { onLogLine: (fn: string, line: string) => process.stderr.write(`  [${fn}] ${line}\n`) }
      : {}),
  });
}
