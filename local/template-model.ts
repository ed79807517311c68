import { resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { assetPathOf, type AssemblyStack, type CfnResource, type CfnValue } from './cloud-assembly.js';

/**
 * Turns the synthesized templates into what the local stack runs: buckets, queues (with their
 * redrive policy), tables (keys, GSIs), functions (asset folder, handler, timeout, resolved
 * environment), bucket notifications and event source mappings. Intrinsic functions (Ref,
 * Fn::GetAtt, Fn::Join, Fn::Sub, Fn::ImportValue, …) resolve to local names, ARNs and URLs.
 * IAM, KMS, policies, log groups and custom-resource providers have no local meaning: skipped.
 */

/** fauxqs builds every ARN and queue URL with this account id; local ARNs follow it. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface LocalEnv {
  region: string;
  accountId?: string;
  /** Queue URL the SQS emulator gives a queue of this name. */
  queueUrl: (name: string) => string;
}

interface Named {
  /** "<stackName>/<logicalId>": unique across the stage. */
  id: string;
  stackName: string;
  logicalId: string;
  /** Construct path from the template metadata (aws:cdk:path), when present. */
  path?: string;
  name: string;
  arn: string;
}

export type BucketSpec = Named;

export interface QueueSpec extends Named {
  url: string;
  /** CreateQueue attributes, strings as SQS wants them (RedrivePolicy as JSON). */
  attributes: Record<string, string>;
  deadLetterArn?: string;
  maxReceiveCount?: number;
  visibilityTimeoutSeconds: number;
}

export interface TableSpec extends Named {
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  globalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
  localSecondaryIndexes: TableSpec['globalSecondaryIndexes'];
}

export interface FunctionSpec extends Named {
  codeDir: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
}

export interface NotificationSpec {
  bucket: string;
  target: 'queue' | 'function';
  targetArn: string;
  /** e.g. "s3:ObjectCreated:*", "s3:ObjectCreated:Put". */
  events: string[];
  prefix?: string;
  suffix?: string;
  configurationId: string;
}

export interface EventSourceMappingSpec {
  id: string;
  logicalId: string;
  functionName: string;
  queueArn: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
}

/** A CDK BucketDeployment: files from asset folders copied under a prefix of a bucket at deploy time. */
export interface BucketDeploymentSpec {
  id: string;
  sourceDirs: string[];
  bucket: string;
  prefix: string;
}

export interface LocalModel {
  region: string;
  accountId: string;
  stacks: string[];
  buckets: BucketSpec[];
  queues: QueueSpec[];
  tables: TableSpec[];
  functions: FunctionSpec[];
  notifications: NotificationSpec[];
  eventSourceMappings: EventSourceMappingSpec[];
  bucketDeployments: BucketDeploymentSpec[];
  /** Resource types with no local meaning, with how many were skipped. */
  skipped: Record<string, number>;
  warnings: string[];
}

const NO_VALUE = Symbol('AWS::NoValue');
const HASH_SUFFIX = /[0-9A-F]{8}$/;

type StackCtx = AssemblyStack & { conditions: Map<string, boolean> };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** A stable local name: "<stack>-<logical id without CDK's hash suffix>", within the service's limits. */
function fitName(raw: string, max: number, pattern: RegExp, lower: boolean): string {
  let name = (lower ? raw.toLowerCase() : raw)
    .replace(pattern, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (name.length > max) name = `${name.slice(0, max - 9).replace(/-$/, '')}-${shortHash(raw)}`;
  return name;
}

export class TemplateResolver {
  private readonly stacks: StackCtx[];
  private readonly names = new Map<string, string>();
  private readonly naming = new Set<string>();
  private exports?: Map<string, { stack: StackCtx; value: CfnValue }>;
  private ssm?: Map<string, { stack: StackCtx; value: CfnValue }>;
  readonly region: string;
  readonly accountId: string;

  constructor(
    stacks: AssemblyStack[],
    private readonly env: LocalEnv,
  ) {
    this.region = env.region;
    this.accountId = env.accountId ?? LOCAL_ACCOUNT_ID;
    this.stacks = stacks.map((s) => ({ ...s, conditions: new Map() }));
  }

  get allStacks(): StackCtx[] {
    return this.stacks;
  }

  /** Resources whose Condition holds (CDKMetadata and friends carry conditions). */
  resources(stack: StackCtx): [string, CfnResource][] {
    return Object.entries(stack.template.Resources ?? {}).filter(
      ([, r]) => !r.Condition || this.condition(stack, r.Condition),
    );
  }

  private condition(stack: StackCtx, name: string): boolean {
    const cached = stack.conditions.get(name);
    if (cached !== undefined) return cached;
    const expr = stack.template.Conditions?.[name];
    if (expr === undefined) throw new Error(`${stack.stackName}: unknown condition ${name}`);
    const value = Boolean(this.resolve(stack, expr, `Conditions.${name}`));
    stack.conditions.set(name, value);
    return value;
  }

  private resource(stack: StackCtx, logicalId: string, where: string): CfnResource {
    const r = stack.template.Resources?.[logicalId];
    if (!r) throw new Error(`${stack.stackName} ${where}: no resource ${logicalId}`);
    return r;
  }

  /** The local physical name: the template's explicit name when it has one, else derived from the logical id. */
  nameOf(stack: StackCtx, logicalId: string): string {
    const key = `${stack.stackName}/${logicalId}`;
    const known = this.names.get(key);
    if (known) return known;
    if (this.naming.has(key)) throw new Error(`${key}: its name refers to itself`);
    this.naming.add(key);
    const r = this.resource(stack, logicalId, 'name');
    const props = r.Properties ?? {};
    const explicitProp = {
      'AWS::S3::Bucket': 'BucketName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::DynamoDB::GlobalTable': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::Events::EventBus': 'Name',
      'AWS::SSM::Parameter': 'Name',
    }[r.Type];
    const explicit =
      explicitProp && props[explicitProp] !== undefined
        ? this.resolve(stack, props[explicitProp], `${logicalId}.${explicitProp}`)
        : undefined;
    let name: string;
    if (typeof explicit === 'string' && explicit) name = explicit;
    else {
      const base = this.baseName(stack, logicalId);
      const raw = `${stack.stackName}-${base}`;
      switch (r.Type) {
        case 'AWS::S3::Bucket':
          name = fitName(raw, 63, /[^a-z0-9-]/g, true);
          break;
        case 'AWS::SQS::Queue': {
          const fifo = String(props.FifoQueue) === 'true';
          name = `${fitName(raw, fifo ? 75 : 80, /[^A-Za-z0-9_-]/g, false)}${fifo ? '.fifo' : ''}`;
          break;
        }
        case 'AWS::Lambda::Function':
          name = fitName(raw, 64, /[^A-Za-z0-9_-]/g, false);
          break;
        default:
          name = fitName(raw, 255, /[^A-Za-z0-9_.-]/g, false);
      }
    }
    this.naming.delete(key);
    this.names.set(key, name);
    return name;
  }

  /** Logical id without CDK's 8-hex suffix, unless that would clash with a sibling. */
  private baseName(stack: StackCtx, logicalId: string): string {
    const stripped = logicalId.replace(HASH_SUFFIX, '') || logicalId;
    if (stripped === logicalId) return logicalId;
    const clash = Object.keys(stack.template.Resources ?? {}).some(
      (other) => other !== logicalId && (other.replace(HASH_SUFFIX, '') || other) === stripped,
    );
    return clash ? logicalId : stripped;
  }

  arnOf(stack: StackCtx, logicalId: string): string {
    const r = this.resource(stack, logicalId, 'arn');
    const name = this.nameOf(stack, logicalId);
    const { region, accountId } = this;
    switch (r.Type) {
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${accountId}:${name}`;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${accountId}:${name}`;
      case 'AWS::Events::EventBus':
        return `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${accountId}:role/${name}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${region}:${accountId}:key/${name}`;
      case 'AWS::SSM::Parameter':
        return `arn:aws:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;
      default:
        return `arn:aws:local:${region}:${accountId}:${r.Type.replace(/^AWS::/, '')
          .replace(/::/g, '-')
          .toLowerCase()}/${name}`;
    }
  }

  private ref(stack: StackCtx, name: string, where: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${stack.stackName}/local`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const param = stack.template.Parameters?.[name];
    if (param) {
      const dflt = this.resolve(stack, param.Default, `${where} (parameter ${name})`);
      if (param.Type?.startsWith('AWS::SSM::Parameter::Value') && typeof dflt === 'string') {
        const local = this.ssmParameter(dflt);
        if (local !== undefined) return local;
      }
      return dflt;
    }
    const r = this.resource(stack, name, where);
    switch (r.Type) {
      case 'AWS::SQS::Queue':
        return this.env.queueUrl(this.nameOf(stack, name));
      case 'AWS::SNS::Topic':
        return this.arnOf(stack, name);
      default:
        return this.nameOf(stack, name);
    }
  }

  private getAtt(stack: StackCtx, logicalId: string, attr: string, where: string): unknown {
    const r = this.resource(stack, logicalId, where);
    const name = this.nameOf(stack, logicalId);
    if (attr === 'Arn') return this.arnOf(stack, logicalId);
    switch (`${r.Type}.${attr}`) {
      case 'AWS::S3::Bucket.DomainName':
        return `${name}.s3.amazonaws.com`;
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${name}.s3.${this.region}.amazonaws.com`;
      case 'AWS::S3::Bucket.DualStackDomainName':
        return `${name}.s3.dualstack.${this.region}.amazonaws.com`;
      case 'AWS::S3::Bucket.WebsiteURL':
        return `http://${name}.s3-website-${this.region}.amazonaws.com`;
      case 'AWS::SQS::Queue.QueueName':
        return name;
      case 'AWS::SQS::Queue.QueueUrl':
        return this.env.queueUrl(name);
      case 'AWS::DynamoDB::Table.StreamArn':
      case 'AWS::DynamoDB::GlobalTable.StreamArn':
        return `${this.arnOf(stack, logicalId)}/stream/local`;
      case 'AWS::SNS::Topic.TopicArn':
        return this.arnOf(stack, logicalId);
      case 'AWS::SNS::Topic.TopicName':
      case 'AWS::Events::EventBus.Name':
        return name;
      case 'AWS::SSM::Parameter.Value':
        return this.resolve(stack, r.Properties?.Value, `${logicalId}.Value`);
      default:
        // Attributes of resources with no local meaning (role ids, key ids, …): a stable placeholder.
        return `${name}.${attr}`;
    }
  }

  private ssmParameter(parameterName: string): unknown {
    if (!this.ssm) {
      this.ssm = new Map();
      for (const stack of this.stacks) {
        for (const [id, r] of this.resources(stack)) {
          if (r.Type === 'AWS::SSM::Parameter')
            this.ssm.set(this.nameOf(stack, id), { stack, value: r.Properties?.Value });
        }
      }
    }
    const found = this.ssm.get(parameterName);
    return found ? this.resolve(found.stack, found.value, `SSM parameter ${parameterName}`) : undefined;
  }

  private importValue(exportName: string, where: string): unknown {
    if (!this.exports) {
      this.exports = new Map();
      for (const stack of this.stacks) {
        for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
          if (output.Export === undefined) continue;
          const name = this.resolve(stack, output.Export.Name, `Outputs.${outputId}.Export.Name`);
          this.exports.set(String(name), { stack, value: output.Value });
        }
      }
    }
    const found = this.exports.get(exportName);
    if (!found) throw new Error(`${where}: no stack of this stage exports ${exportName}`);
    return this.resolve(found.stack, found.value, `export ${exportName}`);
  }

  private sub(stack: StackCtx, template: string, vars: Record<string, unknown>, where: string): string {
    return template.replace(/\$\{([^}]+)\}/g, (_m, expr: string) => {
      if (expr.startsWith('!')) return `\${${expr.slice(1)}}`;
      if (expr in vars) return String(vars[expr]);
      const dot = expr.indexOf('.');
      if (dot > 0 && !expr.startsWith('AWS::'))
        return String(this.getAtt(stack, expr.slice(0, dot), expr.slice(dot + 1), where));
      return String(this.ref(stack, expr, where));
    });
  }

  /** Resolves every intrinsic function in `value` to a plain JSON value. */
  resolve(stack: StackCtx, value: CfnValue, where: string): unknown {
    const out = this.resolveInner(stack, value, where);
    return out === NO_VALUE ? undefined : out;
  }

  private resolveInner(stack: StackCtx, value: CfnValue, where: string): unknown {
    if (typeof value === 'string') return this.dynamicRefs(value);
    if (Array.isArray(value))
      return value.map((v, i) => this.resolveInner(stack, v, `${where}[${i}]`)).filter((v) => v !== NO_VALUE);
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys as [string];
      const arg = value[fn];
      const r = (v: unknown) => this.resolveInner(stack, v, where);
      switch (fn) {
        case 'Ref':
          return this.ref(stack, String(arg), where);
        case 'Fn::GetAtt': {
          const [id, ...attr] = Array.isArray(arg)
            ? (arg as unknown[]).map((a) => String(r(a)))
            : String(arg).split('.');
          return this.getAtt(stack, String(id), attr.join('.'), where);
        }
        case 'Fn::Join': {
          const [delim, list] = arg as [string, unknown];
          return (r(list) as unknown[]).map(String).join(delim);
        }
        case 'Fn::Sub': {
          if (typeof arg === 'string') return this.sub(stack, arg, {}, where);
          const [template, vars] = arg as [string, Record<string, unknown>];
          const resolvedVars = Object.fromEntries(Object.entries(vars ?? {}).map(([k, v]) => [k, r(v)]));
          return this.sub(stack, template, resolvedVars, where);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (r(list) as unknown[])[Number(r(index))];
        }
        case 'Fn::Split': {
          const [delim, source] = arg as [string, unknown];
          return String(r(source)).split(delim);
        }
        case 'Fn::ImportValue':
          return this.importValue(String(r(arg)), where);
        case 'Fn::If': {
          const [cond, yes, no] = arg as [string, unknown, unknown];
          return this.condition(stack, cond) ? r(yes) : r(no);
        }
        case 'Fn::Equals': {
          const [a, b] = arg as [unknown, unknown];
          return JSON.stringify(r(a)) === JSON.stringify(r(b));
        }
        case 'Fn::Not':
          return !(r((arg as unknown[])[0]) as boolean);
        case 'Fn::And':
          return (arg as unknown[]).every((c) => Boolean(r(c)));
        case 'Fn::Or':
          return (arg as unknown[]).some((c) => Boolean(r(c)));
        case 'Condition':
          return this.condition(stack, String(arg));
        case 'Fn::FindInMap': {
          const [map, top, second] = (arg as unknown[]).map((a) => String(r(a)));
          const found = stack.template.Mappings?.[map!]?.[top!]?.[second!];
          if (found === undefined)
            throw new Error(`${where}: Fn::FindInMap ${map}/${top}/${second} not found`);
          return r(found);
        }
        case 'Fn::Base64':
          return Buffer.from(String(r(arg))).toString('base64');
        case 'Fn::GetAZs':
          return ['a', 'b', 'c'].map((z) => `${this.region}${z}`);
      }
      if (fn.startsWith('Fn::')) throw new Error(`${where}: ${fn} is not supported by the local stack`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = this.resolveInner(stack, v, `${where}.${k}`);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  /** `{{resolve:ssm:/name}}` dynamic references to parameters the stage itself creates. */
  private dynamicRefs(text: string): string {
    if (!text.includes('{{resolve:ssm:')) return text;
    return text.replace(/\{\{resolve:ssm:([^}:]+)(?::\d+)?\}\}/g, (m, name: string) => {
      const value = this.ssmParameter(name);
      return value === undefined ? m : String(value);
    });
  }
}

const HANDLED = new Set([
  'AWS::S3::Bucket',
  'AWS::SQS::Queue',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'Custom::S3BucketNotifications',
  'Custom::CDKBucketDeployment',
]);

/** CDK's own helper functions (custom-resource providers, log retention): never run locally. */
const PROVIDER_PATH =
  /CustomResourceProvider|\/Provider\/|framework-on|LogRetention|BucketNotificationsHandler|AWS679f53fac002430cb0da5b7982bd2287/i;

function asString(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`${where}: expected a string, got ${JSON.stringify(v)}`);
}

function filterRules(filter: unknown): { prefix?: string; suffix?: string } {
  const rules = (
    isObject(filter) && isObject(filter.Key) && Array.isArray(filter.Key.FilterRules)
      ? filter.Key.FilterRules
      : []
  ) as {
    Name?: string;
    Value?: string;
  }[];
  const out: { prefix?: string; suffix?: string } = {};
  for (const rule of rules) {
    const name = String(rule.Name).toLowerCase();
    if (name === 'prefix' || name === 'suffix') out[name] = String(rule.Value ?? '');
  }
  return out;
}

const QUEUE_ATTRIBUTES = [
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'MaximumMessageSize',
  'ReceiveMessageWaitTimeSeconds',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

export function buildModel(assembly: AssemblyStack[], env: LocalEnv): LocalModel {
  const resolver = new TemplateResolver(assembly, env);
  const model: LocalModel = {
    region: resolver.region,
    accountId: resolver.accountId,
    stacks: assembly.map((s) => s.stackName),
    buckets: [],
    queues: [],
    tables: [],
    functions: [],
    notifications: [],
    eventSourceMappings: [],
    bucketDeployments: [],
    skipped: {},
    warnings: [],
  };

  // Functions that serve custom resources are providers, not application code.
  const serviceTokens = new Set<string>();
  for (const stack of resolver.allStacks) {
    for (const [, r] of resolver.resources(stack)) {
      const token = r.Properties?.ServiceToken;
      if (isObject(token) && Array.isArray(token['Fn::GetAtt']))
        serviceTokens.add(`${stack.stackName}/${String(token['Fn::GetAtt'][0])}`);
    }
  }

  for (const stack of resolver.allStacks) {
    for (const [logicalId, r] of resolver.resources(stack)) {
      const where = `${stack.stackName}/${logicalId}`;
      const props = r.Properties ?? {};
      const path =
        typeof r.Metadata?.['aws:cdk:path'] === 'string' ? (r.Metadata['aws:cdk:path'] as string) : undefined;
      const named = (): Named => ({
        id: where,
        stackName: stack.stackName,
        logicalId,
        ...(path ? { path } : {}),
        name: resolver.nameOf(stack, logicalId),
        arn: resolver.arnOf(stack, logicalId),
      });
      const skip = (type = r.Type) => {
        model.skipped[type] = (model.skipped[type] ?? 0) + 1;
      };
      if (!HANDLED.has(r.Type)) {
        skip();
        continue;
      }
      switch (r.Type) {
        case 'AWS::S3::Bucket':
          model.buckets.push(named());
          break;
        case 'Custom::CDKBucketDeployment': {
          // Deploy-time content (rule sets, the console): the local stack copies it the same way.
          const keys = (props.SourceObjectKeys ?? []) as unknown[];
          const sourceDirs = keys
            .filter((k): k is string => typeof k === 'string')
            .map((k) => stack.assets.get(k) ?? resolve(stack.dir, '..', `asset.${k.replace(/\.zip$/, '')}`));
          model.bucketDeployments.push({
            id: where,
            sourceDirs,
            bucket: asString(
              resolver.resolve(stack, props.DestinationBucketName, `${where}.DestinationBucketName`),
              where,
            ),
            prefix:
              typeof props.DestinationBucketKeyPrefix === 'string' ? props.DestinationBucketKeyPrefix : '',
          });
          break;
        }
        case 'AWS::SQS::Queue': {
          const base = named();
          const attributes: Record<string, string> = {};
          for (const attr of QUEUE_ATTRIBUTES) {
            if (props[attr] !== undefined)
              attributes[attr] = asString(
                resolver.resolve(stack, props[attr], `${where}.${attr}`),
                `${where}.${attr}`,
              );
          }
          const redrive =
            props.RedrivePolicy === undefined
              ? undefined
              : resolver.resolve(stack, props.RedrivePolicy, `${where}.RedrivePolicy`);
          const policy = (typeof redrive === 'string' ? JSON.parse(redrive) : redrive) as
            { deadLetterTargetArn?: string; maxReceiveCount?: number | string } | undefined;
          if (policy?.deadLetterTargetArn) {
            attributes.RedrivePolicy = JSON.stringify({
              deadLetterTargetArn: policy.deadLetterTargetArn,
              maxReceiveCount: Number(policy.maxReceiveCount ?? 10),
            });
          }
          model.queues.push({
            ...base,
            url: env.queueUrl(base.name),
            attributes,
            ...(policy?.deadLetterTargetArn
              ? {
                  deadLetterArn: policy.deadLetterTargetArn,
                  maxReceiveCount: Number(policy.maxReceiveCount ?? 10),
                }
              : {}),
            visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? 30),
          });
          break;
        }
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable': {
          const p = resolver.resolve(stack, props, where) as Record<string, unknown>;
          const index = (list: unknown) =>
            ((list ?? []) as Record<string, unknown>[]).map((gsi) => ({
              IndexName: String(gsi.IndexName),
              KeySchema: gsi.KeySchema as TableSpec['keySchema'],
              Projection: (gsi.Projection ?? {
                ProjectionType: 'ALL',
              }) as TableSpec['globalSecondaryIndexes'][number]['Projection'],
            }));
          model.tables.push({
            ...named(),
            keySchema: p.KeySchema as TableSpec['keySchema'],
            attributeDefinitions: p.AttributeDefinitions as TableSpec['attributeDefinitions'],
            globalSecondaryIndexes: index(p.GlobalSecondaryIndexes),
            localSecondaryIndexes: index(p.LocalSecondaryIndexes),
          });
          break;
        }
        case 'AWS::Lambda::Function': {
          const code = props.Code as Record<string, unknown> | undefined;
          const runtime = String(props.Runtime ?? '');
          if (
            serviceTokens.has(where) ||
            (path && PROVIDER_PATH.test(path)) ||
            code?.ZipFile !== undefined ||
            PROVIDER_PATH.test(logicalId)
          ) {
            skip('AWS::Lambda::Function (custom-resource provider)');
            break;
          }
          if (!runtime.startsWith('nodejs')) {
            model.warnings.push(`${where}: runtime ${runtime || 'unknown'} cannot run locally; skipped`);
            skip(`AWS::Lambda::Function (${runtime || 'no runtime'})`);
            break;
          }
          const codeDir = assetPathOf(stack, r);
          if (!codeDir) {
            model.warnings.push(`${where}: no asset folder found for its code; skipped`);
            skip('AWS::Lambda::Function (no asset)');
            break;
          }
          const variables = resolver.resolve(
            stack,
            (props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
            `${where}.Environment`,
          ) as Record<string, unknown>;
          model.functions.push({
            ...named(),
            codeDir,
            handler: String(resolver.resolve(stack, props.Handler ?? 'index.handler', `${where}.Handler`)),
            runtime,
            timeoutSeconds: Number(props.Timeout ?? 3),
            memoryMb: Number(props.MemorySize ?? 128),
            environment: Object.fromEntries(
              Object.entries(variables).map(([k, v]) => [k, asString(v, `${where}.Environment.${k}`)]),
            ),
          });
          break;
        }
        case 'AWS::Lambda::EventSourceMapping': {
          const p = resolver.resolve(stack, props, where) as Record<string, unknown>;
          const source = String(p.EventSourceArn ?? '');
          if (!source.startsWith('arn:aws:sqs:')) {
            model.warnings.push(
              `${where}: event source ${source || '(none)'} is not an SQS queue; only SQS mappings run locally`,
            );
            skip('AWS::Lambda::EventSourceMapping (not SQS)');
            break;
          }
          model.eventSourceMappings.push({
            id: where,
            logicalId,
            functionName: String(p.FunctionName),
            queueArn: source,
            batchSize: Number(p.BatchSize ?? 10),
            maximumBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
            reportBatchItemFailures:
              Array.isArray(p.FunctionResponseTypes) &&
              p.FunctionResponseTypes.includes('ReportBatchItemFailures'),
            enabled: p.Enabled === undefined ? true : p.Enabled === true || p.Enabled === 'true',
          });
          break;
        }
        case 'Custom::S3BucketNotifications': {
          const bucket = asString(
            resolver.resolve(stack, props.BucketName, `${where}.BucketName`),
            `${where}.BucketName`,
          );
          const config = (resolver.resolve(
            stack,
            props.NotificationConfiguration ?? {},
            `${where}.NotificationConfiguration`,
          ) ?? {}) as Record<string, unknown>;
          const add = (target: NotificationSpec['target'], list: unknown, arnKey: string) => {
            ((list ?? []) as Record<string, unknown>[]).forEach((c, i) => {
              model.notifications.push({
                bucket,
                target,
                targetArn: String(c[arnKey]),
                events: ((c.Events ?? []) as unknown[]).map(String),
                ...filterRules(c.Filter),
                configurationId: typeof c.Id === 'string' ? c.Id : `${logicalId}-${target}-${i}`,
              });
            });
          };
          add('queue', config.QueueConfigurations, 'QueueArn');
          add('function', config.LambdaFunctionConfigurations, 'LambdaFunctionArn');
          if (Array.isArray(config.TopicConfigurations) && config.TopicConfigurations.length > 0)
            model.warnings.push(`${where}: SNS topic notifications are not delivered locally`);
          if (config.EventBridgeConfiguration !== undefined)
            model.warnings.push(`${where}: EventBridge notifications are not delivered locally`);
          break;
        }
      }
    }
  }

  const queueArns = new Set(model.queues.map((q) => q.arn));
  for (const q of model.queues) {
    if (q.deadLetterArn && !queueArns.has(q.deadLetterArn))
      model.warnings.push(`${q.id}: dead-letter queue ${q.deadLetterArn} is not part of this stage`);
  }
  return model;
}

/** The construct id ("IngestFunction" for …/Intake/IngestFunction/Resource), else the logical id. */
export function constructId(r: { path?: string; logicalId: string }): string {
  const parts = r.path?.split('/') ?? [];
  return parts.at(-1) === 'Resource' && parts.length >= 2 ? parts.at(-2)! : r.logicalId;
}

/** The construct path within the stage ("Intake/Ingest/Handler"), else the logical id: for people. */
export function displayPath(r: { path?: string; logicalId: string }): string {
  const parts = r.path?.split('/') ?? [];
  if (parts.at(-1) === 'Resource') parts.pop();
  return parts.length >= 2 ? parts.slice(1).join('/') : r.logicalId;
}

/** Finds a function by logical id, name, ARN, "<stack>/<logicalId>", construct path or construct id. */
export function findFunction(functions: FunctionSpec[], ref: string): FunctionSpec | undefined {
  const exact = functions.find(
    (f) =>
      f.logicalId === ref ||
      f.name === ref ||
      f.arn === ref ||
      f.id === ref ||
      f.path === ref ||
      displayPath(f) === ref,
  );
  if (exact) return exact;
  // "IngestFunction" for the construct ManifestIntake-dev/Intake/IngestFunction/Resource.
  const byConstruct = functions.filter((f) => constructId(f) === ref || f.path === `${ref}/Resource`);
  return byConstruct.length === 1 ? byConstruct[0] : undefined;
}
