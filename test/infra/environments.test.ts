import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS, loadConfig, type EnvName } from '../../infra/config/index.js';
import { resourcesOf, synthEnv, type SynthesizedEnv } from './synth.js';

const envs = {} as Record<EnvName, SynthesizedEnv>;

beforeAll(() => {
  // app.synth() inside synthEnv throws on any unacknowledged AwsSolutions finding.
  for (const name of ENVIRONMENTS) envs[name] = synthEnv(name);
});

/** Every acknowledgement recorded in the construct tree: rule id → reason. */
function acknowledgements(root: IConstruct): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const rule = id.replace(/^annotation::/i, '');
        found.set(rule, [...(found.get(rule) ?? []), reason]);
      }
    }
  }
  return found;
}

describe.each(ENVIRONMENTS)('%s', (name) => {
  it('synthesizes with zero unacknowledged AwsSolutions findings', () => {
    const report = new AwsSolutionsChecks().validateScope(envs[name].app);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the known, explained exceptions', () => {
    const acks = acknowledgements(envs[name].app);
    const bucket = `arn:<AWS::Partition>:s3:::manifest-intake-${name}-raw-<AWS::AccountId>-<AWS::Region>`;
    expect([...acks.keys()].sort()).toEqual(
      [
        // CDK's own providers (bucket notifications, BucketDeployment): basic execution role.
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        // X-Ray (every function); CloudFront invalidation (the console's BucketDeployment).
        'AwsSolutions-IAM5[Resource::*]',
        // Ingest reads uploads, review-api presigns their download; ingest writes acks.
        `AwsSolutions-IAM5[Resource::${bucket}/incoming/*]`,
        `AwsSolutions-IAM5[Resource::${bucket}/ack/*]`,
        // review-api queries the table's GSIs (imported by the named export).
        `AwsSolutions-IAM5[Resource::ManifestIntake-${name}-TableArn/index/*]`,
        // BucketDeployment (rule sets → reference-data bucket, console → console bucket): CDK's
        // grants to its provider, which runs only during deployments.
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        'AwsSolutions-IAM5[Resource::<ReferenceDataF1392E3E.Arn>/*]',
        'AwsSolutions-IAM5[Resource::<ConsoleBucket86B6957C.Arn>/*]',
        // nodejs22.x house runtime; BucketDeployment's Python runtime pinned by aws-cdk-lib.
        'AwsSolutions-L1',
        // Access-log buckets (storage; console + CloudFront).
        'AwsSolutions-S1',
        // CloudFront: no geo restriction, no WAF yet, default certificate.
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR4',
      ].sort(),
    );
    for (const reasons of acks.values())
      for (const reason of reasons) expect(reason.length).toBeGreaterThan(30);
  });

  it('applies the environment configuration', () => {
    const config = loadConfig(name);
    const env = envs[name];
    expect(env.stage.stageName).toBe(`ManifestIntake-${name}`);
    const fn = Object.entries(resourcesOf(env.intake, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('IngestHandler'),
    )![1].Properties as Record<string, unknown>;
    expect(fn).toMatchObject({ MemorySize: config.ingest.memorySize, Timeout: config.ingest.timeoutSeconds });
    expect((fn.Environment as { Variables: Record<string, string> }).Variables).toMatchObject({
      POWERTOOLS_LOG_LEVEL: config.logLevel,
      REVIEW_THRESHOLD: String(config.reviewThreshold),
    });
    const rescreen = Object.entries(resourcesOf(env.intake, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('RescreenHandler'),
    )![1].Properties as Record<string, unknown>;
    expect(rescreen).toMatchObject({
      MemorySize: config.rescreen.memorySize,
      Timeout: config.rescreen.timeoutSeconds,
    });
    // A list upload waits until documents read with the old list are written (except in dev,
    // where the local stack starts at once): an ingest timeout and the ingest function's refresh.
    const queues = Object.entries(resourcesOf(env.intake, 'AWS::SQS::Queue'));
    const rescreenQueue = queues.find(([id]) => id.startsWith('RescreenQueue') && !id.includes('Dlq'))!;
    const delay = (rescreenQueue[1].Properties as { DelaySeconds?: number }).DelaySeconds;
    expect(delay).toBe(config.rescreen.startDelaySeconds);
    if (name !== 'dev') expect(delay).toBeGreaterThanOrEqual(config.ingest.timeoutSeconds + 60);
    // The ingest and re-screen functions' log groups.
    const logs = Object.values(resourcesOf(env.intake, 'AWS::Logs::LogGroup'));
    expect(logs).toHaveLength(2);
    for (const log of logs)
      expect(log.Properties).toMatchObject({ RetentionInDays: config.logRetentionDays });
    env.observability.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: config.alarmEmail });
    env.storage.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: config.deletionProtection,
    });
  });
});

describe('removal policies', () => {
  const stateful = (env: SynthesizedEnv) => {
    const storage = env.storage.toJSON() as {
      Resources: Record<string, { Type: string; DeletionPolicy?: string }>;
    };
    const intake = env.intake.toJSON() as {
      Resources: Record<string, { Type: string; DeletionPolicy?: string }>;
    };
    const pick = (r: Record<string, { Type: string; DeletionPolicy?: string }>, types: string[]) =>
      Object.values(r).filter((x) => types.includes(x.Type));
    const review = env.review.toJSON() as {
      Resources: Record<string, { Type: string; DeletionPolicy?: string }>;
    };
    return [
      ...pick(storage.Resources, ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::KMS::Key']),
      ...pick(intake.Resources, ['AWS::Logs::LogGroup']),
      ...pick(review.Resources, ['AWS::Cognito::UserPool', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket']),
    ];
  };

  it('prod retains buckets, table, data key, users and logs, with deletion protection', () => {
    const resources = stateful(envs.prod);
    // Storage: access logs, raw and reference-data buckets, table, key; intake: ingest and
    // re-screen logs;
    // review: user pool, logs (review-api, API access, console deployment), console bucket and
    // its log bucket.
    expect(resources.map((r) => r.Type).sort()).toEqual(
      [
        ...Array<string>(3).fill('AWS::S3::Bucket'),
        'AWS::DynamoDB::Table',
        'AWS::KMS::Key',
        ...Array<string>(2).fill('AWS::Logs::LogGroup'),
        'AWS::Cognito::UserPool',
        ...Array<string>(3).fill('AWS::Logs::LogGroup'),
        ...Array<string>(2).fill('AWS::S3::Bucket'),
      ].sort(),
    );
    for (const r of resources) expect(r.DeletionPolicy).toBe('Retain');
    envs.prod.storage.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    envs.prod.review.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
  });

  it('dev removes them with the stack', () => {
    for (const r of stateful(envs.dev)) expect(r.DeletionPolicy).toBe('Delete');
  });
});

// Each of these synthesizes a whole environment again: allow for a busy machine.
describe('cdk-nag at synth', { timeout: 180_000 }, () => {
  it('fails the synth on an unacknowledged finding', () => {
    expect(() =>
      synthEnv('dev', ({ stage }) => {
        // No DLQ, no TLS-only policy: AwsSolutions-SQS3 and -SQS4.
        new sqs.Queue(stage.review, 'Careless', { encryption: sqs.QueueEncryption.SQS_MANAGED });
      }),
    ).toThrow(/AwsSolutions-SQS3[\s\S]*AwsSolutions-SQS4|AwsSolutions-SQS4[\s\S]*AwsSolutions-SQS3/);
  });

  it('fails the synth when a function gets a wildcard resource nobody explained', () => {
    // Straight onto the role, past ServiceFunction.allow's own guard: the X-Ray
    // acknowledgement must not cover it.
    expect(() =>
      synthEnv('dev', ({ stage }) => {
        stage.intake.ingest.role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: ['*'] }),
        );
      }),
    ).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });

  it('refuses wildcard actions and Resource "*" in ServiceFunction.allow', () => {
    expect(() =>
      synthEnv('dev', ({ stage }) => {
        stage.intake.ingest.allow(['s3:*'], ['arn:aws:s3:::somewhere/*']);
      }),
    ).toThrow(/wildcard action s3:\*/);
    expect(() =>
      synthEnv('dev', ({ stage }) => {
        stage.intake.ingest.allow(['dynamodb:GetItem'], ['*']);
      }),
    ).toThrow(/Resource "\*" refused/);
  });
});

describe('review stack extension point', { timeout: 180_000 }, () => {
  it('builds review functions with the house defaults that pass cdk-nag', () => {
    const env = synthEnv('dev', ({ stage }) => {
      const fn = stage.review.reviewFunction('Probe', {
        entry: 'functions/ingest/handler.ts',
        serviceName: 'review-api',
      });
      fn.allow(['dynamodb:GetItem'], [stage.review.table.tableArn]);
    });
    env.review.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: loadConfig('dev').api.memorySize,
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'review-api',
          TABLE_NAME: { 'Fn::ImportValue': Match.stringLikeRegexp('^ManifestIntake-dev-Storage:') },
        },
      },
    });
  });
});
