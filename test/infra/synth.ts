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

export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
export const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOfStatement = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** A CloudFormation value flattened to text, enough to compare ARN shapes. */
export const flat = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join']))
      return (o['Fn::Join'][1] as unknown[]).map(flat).join(o['Fn::Join'][0] as string);
    if (o.Ref !== undefined) return `<${String(o.Ref)}>`;
    if (Array.isArray(o['Fn::GetAtt'])) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    if (o['Fn::ImportValue'] !== undefined) return `<import ${flat(o['Fn::ImportValue'])}>`;
  }
  return JSON.stringify(v);
};

/** Resolves `{Fn::ImportValue}` against the exports of another stack's template. */
export function exportedValue(template: { toJSON(): unknown }, importValue: unknown): unknown {
  const name = (importValue as { 'Fn::ImportValue': string })['Fn::ImportValue'];
  const outputs = (
    template.toJSON() as { Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> }
  ).Outputs;
  const found = Object.values(outputs ?? {}).find((o) => o.Export?.Name === name);
  if (!found) throw new Error(`no export named ${name}`);
  return found.Value;
}
