import { emulatorEnv, readStackInfo, type StackInfo } from '../local/stack-info.js';

/**
 * Connects the CLI to the local stack started by `npm start`: points the AWS SDK at its
 * emulators through the same AWS_ENDPOINT_URL_* variables the handlers use.
 */
export async function useLocalStack(): Promise<StackInfo> {
  const info = await readStackInfo();
  Object.assign(process.env, emulatorEnv(info));
  return info;
}
