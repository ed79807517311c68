import { ensureSynth } from '../../local/synth.js';
import { ROOT } from './local-stack.js';

/**
 * vitest globalSetup for the integration tests: synthesizes the CDK app once per run (only when
 * infra/, functions/ or shared/ changed since the last synth), before any test file starts a
 * local stack from it. Progress goes to the console: synth takes several seconds.
 */
export default async function setup(): Promise<void> {
  const result = await ensureSynth({ root: ROOT, progress: (line) => console.log(`[local stack] ${line}`) });
  if (!result.synthesized) console.log(`[local stack] cloud assembly up to date: ${result.dir}`);
}
