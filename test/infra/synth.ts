import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type BuiltApp } from '../../infra/build-app.js';
import type { EnvName } from '../../infra/config/index.js';

/** The feature flags in cdk.json, which the CLI would hand to the app. */
export const CDK_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

export interface SynthesizedEnv extends BuiltApp {
  outdir: string;
  storage: Template;
  review: Template;
  intake: Template;
  observability: Template;
}

/**
 * Builds and synthesizes one environment into its own temporary cloud assembly (never the
 * shared cdk.out). `app.synth()` runs the cdk-nag plugin and throws on any unacknowledged
 * finding, so a returned value is already a nag-clean synth. `extend` may add constructs first.
 */
export function synthEnv(envName: EnvName, extend?: (built: BuiltApp) => void): SynthesizedEnv {
  const outdir = mkdtempSync(join(tmpdir(), `cdk-${envName}-`));
  const built = buildApp({ outdir, context: { ...CDK_CONTEXT, env: envName } });
  extend?.(built);
  built.app.synth();
  const { stage } = built;
  return {
    ...built,
    outdir,
    storage: Template.fromStack(stage.storage),
    review: Template.fromStack(stage.review),
    intake: Template.fromStack(stage.intake),
    observability: Template.fromStack(stage.observability),
  };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;

/** The single resource of a type (fails when there are none or several). */
export function only(template: Template, type: string): { id: string; resource: Resources[string] } {
  const found = Object.entries(template.findResources(type) as Resources);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0]!;
  return { id, resource };
}

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}
