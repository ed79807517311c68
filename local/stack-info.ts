import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Where the running local stack is: written by `npm start` / `npm run demo`, read by the CLI
 * and the tests. Lives in the git-ignored .local/ folder.
 */
export const StackInfoSchema = z.object({
  region: z.string(),
  s3Endpoint: z.string().url(),
  sqsEndpoint: z.string().url(),
  dynamodbEndpoint: z.string().url(),
  rawBucket: z.string(),
  tableName: z.string(),
  intakeQueueUrl: z.string(),
  reviewQueueUrl: z.string(),
  /** Reviewer HTTP API (issue 5), when the stack serves it. */
  apiUrl: z.string().url().optional(),
  /** Reviewer web console (issue 5), when the stack serves it. */
  webUrl: z.string().url().optional(),
  pid: z.number().int(),
  startedAt: z.string(),
});
export type StackInfo = z.infer<typeof StackInfoSchema>;

export const DEFAULT_STACK_FILE = resolve(process.cwd(), '.local', 'stack.json');

export function stackFile(): string {
  return process.env.INTAKE_STACK_FILE ? resolve(process.env.INTAKE_STACK_FILE) : DEFAULT_STACK_FILE;
}

export async function writeStackInfo(info: StackInfo, file = stackFile()): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(info, null, 2)}\n`);
}

/** Reads the stack file, or explains how to start the stack when there is none. */
export async function readStackInfo(file = stackFile()): Promise<StackInfo> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`no local stack is running (${file} not found): start one with \`npm start\``);
  }
  return StackInfoSchema.parse(JSON.parse(text));
}

/** Points the AWS SDK at the local emulators (the same variables the handlers read). */
export function emulatorEnv(
  info: Pick<StackInfo, 'region' | 's3Endpoint' | 'sqsEndpoint' | 'dynamodbEndpoint'>,
): Record<string, string> {
  return {
    AWS_REGION: info.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_S3: info.s3Endpoint,
    AWS_ENDPOINT_URL_SQS: info.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: info.dynamodbEndpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  };
}
