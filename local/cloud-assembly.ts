import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Reads a synthesized cloud assembly (cdk.out): the stacks of one stage, their templates and
 * where each file asset (a bundled function) lives. Everything is found through the manifests,
 * never through hashes, so the local stack follows whatever `cdk synth` produced.
 */

export type CfnValue = unknown;

export interface CfnResource {
  Type: string;
  Properties?: Record<string, CfnValue>;
  Metadata?: Record<string, CfnValue>;
  Condition?: string;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Parameters?: Record<string, { Type?: string; Default?: CfnValue }>;
  Mappings?: Record<string, Record<string, Record<string, CfnValue>>>;
  Conditions?: Record<string, CfnValue>;
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: CfnValue; Export?: { Name: CfnValue } }>;
}

export interface AssemblyStack {
  /** CloudFormation stack name, e.g. ManifestIntake-dev-Intake. */
  stackName: string;
  /** Construct path, e.g. ManifestIntake-dev/Intake. */
  displayName: string;
  /** The nested assembly (stage) this stack belongs to, when any. */
  stage?: string;
  /** Directory holding the template; asset paths in template metadata are relative to it. */
  dir: string;
  templateFile: string;
  template: CfnTemplate;
  /** Concrete account/region from the manifest, when the stack is not environment-agnostic. */
  account?: string;
  region?: string;
  /** File assets by S3 object key ("<hash>.zip") → absolute source path. */
  assets: Map<string, string>;
}

interface Manifest {
  artifacts?: Record<
    string,
    {
      type: string;
      environment?: string;
      displayName?: string;
      properties?: {
        directoryName?: string;
        displayName?: string;
        templateFile?: string;
        stackName?: string;
        file?: string;
      };
    }
  >;
}

interface AssetManifest {
  files?: Record<
    string,
    { source?: { path?: string }; destinations?: Record<string, { objectKey?: string }> }
  >;
}

async function readJson<T>(file: string): Promise<T> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function collect(dir: string, stage: string | undefined, out: AssemblyStack[]): Promise<void> {
  const manifest = await readJson<Manifest>(join(dir, 'manifest.json'));
  const assets = new Map<string, string>();
  const artifacts = Object.entries(manifest.artifacts ?? {});
  // Asset manifests first: stacks refer to their bundles by object key.
  for (const [, artifact] of artifacts) {
    if (artifact.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
    const assetManifest = await readJson<AssetManifest>(join(dir, artifact.properties.file));
    for (const file of Object.values(assetManifest.files ?? {})) {
      if (!file.source?.path) continue;
      for (const destination of Object.values(file.destinations ?? {})) {
        if (destination.objectKey) assets.set(destination.objectKey, resolve(dir, file.source.path));
      }
    }
  }
  for (const [id, artifact] of artifacts) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      await collect(join(dir, artifact.properties.directoryName), artifact.properties.displayName ?? id, out);
    } else if (artifact.type === 'aws:cloudformation:stack') {
      const templateFile = join(dir, artifact.properties?.templateFile ?? `${id}.template.json`);
      const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
      out.push({
        stackName: artifact.properties?.stackName ?? id,
        displayName: artifact.displayName ?? id,
        ...(stage ? { stage } : {}),
        dir,
        templateFile,
        template: await readJson<CfnTemplate>(templateFile),
        ...(env?.[1] && !env[1].startsWith('unknown-') ? { account: env[1] } : {}),
        ...(env?.[2] && !env[2].startsWith('unknown-') ? { region: env[2] } : {}),
        assets,
      });
    }
  }
}

/**
 * The stacks of `stage` (e.g. "ManifestIntake-dev"): those of the nested assembly with that
 * display name, or whose stack name starts with "<stage>-". Without a stage, every stack.
 */
export async function readCloudAssembly(dir: string, stage?: string): Promise<AssemblyStack[]> {
  const all: AssemblyStack[] = [];
  try {
    await collect(resolve(dir), undefined, all);
  } catch (error) {
    throw new Error(
      `cannot read the cloud assembly in ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!stage) return all;
  const stacks = all.filter(
    (s) => s.stage === stage || s.stackName.startsWith(`${stage}-`) || s.stackName === stage,
  );
  if (stacks.length === 0) {
    const found = [...new Set(all.map((s) => s.stage ?? s.stackName))].join(', ') || 'none';
    throw new Error(`the cloud assembly in ${dir} has no stacks for stage ${stage} (found: ${found})`);
  }
  return stacks;
}

/** Where a function's bundle lives: template metadata first, then the asset manifest. */
export function assetPathOf(stack: AssemblyStack, resource: CfnResource): string | undefined {
  const metaPath = resource.Metadata?.['aws:asset:path'];
  if (typeof metaPath === 'string') return resolve(stack.dir, metaPath);
  const code = resource.Properties?.Code as { S3Key?: unknown } | undefined;
  if (typeof code?.S3Key === 'string') return stack.assets.get(code.S3Key);
  return undefined;
}
