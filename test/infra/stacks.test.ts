import { Match } from 'aws-cdk-lib/assertions';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/index.js';
import { PROJECT_ROOT } from '../../infra/constructs/service-function.js';
import { checkRuleSet } from '../../infra/stacks/storage-stack.js';
import {
  actionsOf,
  exportedValue,
  flat,
  only,
  resourcesOf,
  resourcesOfStatement,
  synthEnv,
  type Statement,
  type SynthesizedEnv,
} from './synth.js';

const dev = loadConfig('dev');
let env: SynthesizedEnv;

beforeAll(() => {
  env = synthEnv('dev');
});

// The BucketNotificationsHandler (CDK's provider) is also an AWS::Lambda::Function: pick ours by its code.
/** The bucket notification that sends to this queue (one per bucket). */
const notificationTo = (queueId: string) => {
  const found = Object.values(resourcesOf(env.intake, 'Custom::S3BucketNotifications')).filter((n) =>
    JSON.stringify(n.Properties).includes(`"${queueId}"`),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
};

const ingestFunction = () => {
  const fns = resourcesOf(env.intake, 'AWS::Lambda::Function');
  const entry = Object.entries(fns).find(([id]) => id.startsWith('IngestHandler'));
  if (!entry) throw new Error('no ingest function');
  return { id: entry[0], resource: entry[1], props: entry[1].Properties as Record<string, unknown> };
};

describe('stage layout', () => {
  it('names the stacks <stage>-Storage, -Review, -Intake, -Observability', () => {
    const { stage } = env;
    expect(stage.stageName).toBe('ManifestIntake-dev');
    expect([stage.storage, stage.review, stage.intake, stage.observability].map((s) => s.stackName)).toEqual([
      'ManifestIntake-dev-Storage',
      'ManifestIntake-dev-Review',
      'ManifestIntake-dev-Intake',
      'ManifestIntake-dev-Observability',
    ]);
  });

  it('tags every stack and its resources with project and environment', () => {
    for (const stack of [env.stage.storage, env.stage.review, env.stage.intake, env.stage.observability]) {
      expect(stack.tags.tagValues()).toMatchObject({ Project: 'ManifestIntake', Environment: 'dev' });
    }
    env.storage.hasResourceProperties('AWS::S3::Bucket', {
      Tags: Match.arrayWith([
        { Key: 'Environment', Value: 'dev' },
        { Key: 'Project', Value: 'ManifestIntake' },
      ]),
    });
    env.intake.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'Environment', Value: 'dev' }]),
    });
  });
});

describe('raw-document bucket', () => {
  const raw = () => {
    const buckets = resourcesOf(env.storage, 'AWS::S3::Bucket');
    const entry = Object.entries(buckets).find(([id]) => id.startsWith('RawDocuments'));
    if (!entry) throw new Error('no RawDocuments bucket');
    return { id: entry[0], props: entry[1].Properties as Record<string, unknown> };
  };

  it('is encrypted with the customer managed data key, versioned, private and owner-enforced', () => {
    const { props } = raw();
    const key = only(env.storage, 'AWS::KMS::Key');
    expect(props).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [key.id, 'Arn'] },
            },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(key.resource.Properties).toMatchObject({ EnableKeyRotation: true });
  });

  it('logs access to the log bucket and expires old versions', () => {
    const { props } = raw();
    const logBucket = Object.keys(resourcesOf(env.storage, 'AWS::S3::Bucket')).find((id) =>
      id.startsWith('AccessLogs'),
    );
    expect(props.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logBucket },
      LogFilePrefix: 'raw-documents/',
    });
    expect(props.LifecycleConfiguration).toMatchObject({
      Rules: [
        expect.objectContaining({
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: dev.rawBucket.noncurrentVersionExpirationDays },
        }),
      ],
    });
  });

  it('denies every request that is not TLS', () => {
    const { id } = raw();
    env.storage.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('is removed with a dev stack', () => {
    expect(env.storage.toJSON()).toMatchObject({ Resources: { [raw().id]: { DeletionPolicy: 'Delete' } } });
  });
});

describe('reference-data bucket (screening)', () => {
  const refData = () => {
    const entry = Object.entries(resourcesOf(env.storage, 'AWS::S3::Bucket')).find(([id]) =>
      id.startsWith('ReferenceData'),
    );
    if (!entry) throw new Error('no ReferenceData bucket');
    return { id: entry[0], props: entry[1].Properties as Record<string, unknown> };
  };

  it('is private, encrypted with the data key, versioned, logged and TLS-only', () => {
    const { id, props } = refData();
    const key = only(env.storage, 'AWS::KMS::Key');
    expect(props).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [key.id, 'Arn'] },
            },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { LogFilePrefix: 'reference-data/' },
    });
    expect(flat(props.BucketName)).toBe('manifest-intake-dev-refdata-<AWS::AccountId>-<AWS::Region>');
    env.storage.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('receives every rule set of config/rules/ under rules/, as the repository has them', () => {
    const { id } = refData();
    const deployment = only(env.storage, 'Custom::CDKBucketDeployment').resource.Properties as {
      SourceObjectKeys: string[];
      DestinationBucketName: unknown;
      DestinationBucketKeyPrefix: string;
      Prune: boolean;
    };
    expect(deployment).toMatchObject({
      DestinationBucketName: { Ref: id },
      DestinationBucketKeyPrefix: 'rules/',
      Prune: true,
    });
    // The asset is the config/rules folder itself (no bundling): same files, same bytes.
    expect(deployment.SourceObjectKeys).toHaveLength(1);
    const folder = join(env.outdir, `asset.${deployment.SourceObjectKeys[0]!.replace(/\.zip$/, '')}`);
    const rules = readdirSync(join(PROJECT_ROOT, 'config/rules')).sort();
    expect(readdirSync(folder).sort()).toEqual(rules);
    expect(rules).toContain(`${dev.screening.ruleSet}.json`);
    for (const f of rules)
      expect(readFileSync(join(folder, f), 'utf8')).toBe(
        readFileSync(join(PROJECT_ROOT, 'config/rules', f), 'utf8'),
      );
  });

  it('refuses to synthesize an environment whose rule set is missing or invalid', () => {
    expect(() => checkRuleSet({ ...dev, screening: { ...dev.screening, ruleSet: 'no-such-rules' } })).toThrow(
      /no file config\/rules\/no-such-rules\.json/,
    );
    expect(() => checkRuleSet(dev)).not.toThrow();
  });
});

describe('intake path', () => {
  it('notifies the intake queue of ObjectCreated under incoming/ only', () => {
    const queue = Object.keys(resourcesOf(env.intake, 'AWS::SQS::Queue')).find((id) =>
      id.startsWith('IntakeQueue'),
    );
    const resource = notificationTo(queue!);
    const config = (resource.Properties as { NotificationConfiguration: Record<string, unknown[]> })
      .NotificationConfiguration;
    expect(Object.keys(config)).toEqual(['QueueConfigurations']);
    expect(config.QueueConfigurations).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
        QueueArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      },
    ]);
    // The notification names the storage stack's bucket.
    const bucket = Object.values(resourcesOf(env.storage, 'AWS::S3::Bucket')).find(
      (b) => (b.Properties as { BucketName?: unknown }).BucketName !== undefined,
    );
    expect((resource.Properties as { BucketName: unknown }).BucketName).toEqual(
      (bucket?.Properties as { BucketName: unknown }).BucketName,
    );
  });

  it('lets S3 send to the CMK-encrypted intake queue, for that bucket only', () => {
    const queues = resourcesOf(env.intake, 'AWS::SQS::Queue');
    const queueId = Object.keys(queues).find((id) => id.startsWith('IntakeQueue'))!;
    const key = only(env.intake, 'AWS::KMS::Key');
    expect(queues[queueId]!.Properties).toMatchObject({ KmsMasterKeyId: { 'Fn::GetAtt': [key.id, 'Arn'] } });
    const keyStatements = (key.resource.Properties as { KeyPolicy: { Statement: Statement[] } }).KeyPolicy
      .Statement;
    expect(
      keyStatements.some(
        (s) =>
          (s as unknown as { Principal?: { Service?: string } }).Principal?.Service === 's3.amazonaws.com' &&
          actionsOf(s).includes('kms:Decrypt'),
      ),
    ).toBe(true);
    env.intake.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('has a DLQ for every queue, and every queue is encrypted and TLS-only', () => {
    // Intake and re-screen queues in the intake stack, the review queue in the review stack.
    for (const [template, names] of [
      [env.intake, ['Intake', 'RescreenQueue']],
      [env.review, ['Review']],
    ] as const) {
      const queues = resourcesOf(template, 'AWS::SQS::Queue');
      const ids = Object.keys(queues);
      expect(ids).toHaveLength(2 * names.length);
      for (const name of names) {
        const main = ids.find((id) => id.startsWith(name) && !id.includes('Dlq'))!;
        const dlq = ids.find((id) => id.startsWith(`${name}Dlq`))!;
        expect(queues[main]!.Properties).toMatchObject({
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        });
      }
      for (const id of ids) {
        expect(queues[id]!.Properties).toHaveProperty('KmsMasterKeyId');
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    }
  });

  it('feeds the ingest function with partial batch failures, visibility ≥ 6 × its timeout', () => {
    const fn = ingestFunction();
    const mapping = Object.values(resourcesOf(env.intake, 'AWS::Lambda::EventSourceMapping'))
      .map((m) => m.Properties as Record<string, unknown>)
      .find((m) => (m.FunctionName as { Ref?: string }).Ref === fn.id)!;
    const queues = resourcesOf(env.intake, 'AWS::SQS::Queue');
    const queueId = Object.keys(queues).find((id) => id.startsWith('IntakeQueue'))!;
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: fn.id },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: dev.ingest.batchSize,
    });
    const timeout = (fn.props as { Timeout: number }).Timeout;
    const visibility = (queues[queueId]!.Properties as { VisibilityTimeout: number }).VisibilityTimeout;
    expect(timeout).toBe(dev.ingest.timeoutSeconds);
    expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
    // A run its timeout stopped gives the document up before the message comes back.
    const lease = Number(
      (fn.props as { Environment: { Variables: Record<string, string> } }).Environment.Variables
        .DOCUMENT_LEASE_SECONDS,
    );
    expect(lease).toBeGreaterThan(timeout);
    expect(lease).toBeLessThan(visibility);
  });
});

describe('ingest function', () => {
  it('runs nodejs22.x on arm64 with active tracing and its own log group', () => {
    const { props } = ingestFunction();
    const logGroup = Object.entries(resourcesOf(env.intake, 'AWS::Logs::LogGroup'))
      .map(([id, resource]) => ({ id, resource }))
      .find(({ id }) => id.startsWith('Ingest'))!;
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      MemorySize: dev.ingest.memorySize,
      LoggingConfig: { LogGroup: { Ref: logGroup.id } },
    });
    expect(logGroup.resource.Properties).toMatchObject({ RetentionInDays: dev.logRetentionDays });
  });

  it('loads its screening rule set and watchlist from the reference-data bucket', () => {
    const vars = (ingestFunction().props.Environment as { Variables: Record<string, unknown> }).Variables;
    const bucket = 's3://manifest-intake-dev-refdata-<AWS::AccountId>-<AWS::Region>';
    expect(flat(vars.SCREENING_RULES)).toBe(`${bucket}/rules/${dev.screening.ruleSet}.json`);
    expect(flat(vars.SCREENING_WATCHLIST)).toBe(`${bucket}/${dev.screening.watchlistKey}`);
    // The bucket the variables name is the storage stack's reference-data bucket.
    const refData = Object.entries(resourcesOf(env.storage, 'AWS::S3::Bucket')).find(([id]) =>
      id.startsWith('ReferenceData'),
    )!;
    expect(`s3://${flat((refData[1].Properties as { BucketName: unknown }).BucketName)}`).toBe(bucket);
  });

  it('gets its table, review queue and bucket from the environment, plus the Powertools settings', () => {
    const vars = (ingestFunction().props.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars).toMatchObject({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'ingest',
      POWERTOOLS_LOG_LEVEL: dev.logLevel,
      POWERTOOLS_METRICS_NAMESPACE: 'ManifestIntake',
    });
    // Cross-stack values arrive as imports of the storage and review stacks' exports.
    const tableId = only(env.storage, 'AWS::DynamoDB::Table').id;
    expect(exportedValue(env.storage, vars.TABLE_NAME)).toEqual({ Ref: tableId });
    const reviewQueueId = Object.keys(resourcesOf(env.review, 'AWS::SQS::Queue')).find(
      (id) => !id.includes('Dlq'),
    );
    expect(exportedValue(env.review, vars.REVIEW_QUEUE_URL)).toEqual({ Ref: reviewQueueId });
    expect(flat(vars.RAW_BUCKET)).toBe('manifest-intake-dev-raw-<AWS::AccountId>-<AWS::Region>');
  });

  it('is an ESM bundle with source maps, built into the assembly', () => {
    const { resource } = ingestFunction();
    const assetPath = (resource.Metadata as Record<string, string> | undefined)?.['aws:asset:path'];
    // Asset metadata is what the CLI turns on; without it the assets manifest still names the folder.
    const dir = assetPath
      ? join(env.outdir, 'assembly-ManifestIntake-dev', assetPath)
      : join(
          env.outdir,
          `asset.${String((resource.Properties as { Code: { S3Key: string } }).Code.S3Key).replace(/\.zip$/, '')}`,
        );
    expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    const head = readFileSync(join(dir, 'index.mjs'), 'utf8').slice(0, 300);
    expect(head).toContain('createRequire');
    expect(head).toContain('import.meta.url');
  });
});

describe('re-screen path', () => {
  const queueId = () =>
    Object.keys(resourcesOf(env.intake, 'AWS::SQS::Queue')).find(
      (id) => id.startsWith('RescreenQueue') && !id.includes('Dlq'),
    )!;
  const fn = () => {
    const [id, resource] = Object.entries(resourcesOf(env.intake, 'AWS::Lambda::Function')).find(([i]) =>
      i.startsWith('RescreenHandler'),
    )!;
    return { id, props: resource.Properties as Record<string, unknown> };
  };

  it('is notified of a new watchlist object in the reference-data bucket, and of nothing else', () => {
    const n = notificationTo(queueId()).Properties as {
      BucketName: unknown;
      NotificationConfiguration: { QueueConfigurations: unknown[] };
    };
    expect(flat(n.BucketName)).toBe('manifest-intake-dev-refdata-<AWS::AccountId>-<AWS::Region>');
    expect(n.NotificationConfiguration.QueueConfigurations).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: dev.screening.watchlistKey }] } },
        QueueArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
      },
    ]);
  });

  it('feeds the re-screen function one message at a time, visibility ≥ 6 × its timeout', () => {
    const { id, props } = fn();
    const mapping = Object.values(resourcesOf(env.intake, 'AWS::Lambda::EventSourceMapping'))
      .map((m) => m.Properties as Record<string, unknown>)
      .find((m) => (m.FunctionName as { Ref?: string }).Ref === id)!;
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: dev.rescreen.maxConcurrency },
    });
    expect(props).toMatchObject({
      Timeout: dev.rescreen.timeoutSeconds,
      MemorySize: dev.rescreen.memorySize,
    });
    const queue = resourcesOf(env.intake, 'AWS::SQS::Queue')[queueId()]!.Properties as {
      VisibilityTimeout: number;
    };
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * dev.rescreen.timeoutSeconds);
    const vars = (props.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(flat(vars.SCREENING_WATCHLIST)).toMatch(new RegExp(`/${dev.screening.watchlistKey}$`));
    expect(vars.RESCREEN_QUEUE_URL).toEqual({ Ref: queueId() });
  });

  it('may read its two screening objects and nothing else in S3, with named actions only', () => {
    const role = Object.keys(resourcesOf(env.intake, 'AWS::IAM::Role')).find((id) =>
      id.startsWith('RescreenRole'),
    )!;
    const statements = Object.values(resourcesOf(env.intake, 'AWS::IAM::Policy'))
      .filter((p) =>
        (p.Properties as { Roles: unknown[] }).Roles.some((r) => (r as { Ref?: string }).Ref === role),
      )
      .flatMap(
        (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
      );
    const actions = statements.flatMap(actionsOf);
    for (const a of actions) expect(a).not.toContain('*');
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject']);
    const s3 = statements.filter((st) => actionsOf(st).includes('s3:GetObject'));
    expect(
      s3
        .flatMap((st) => resourcesOfStatement(st).map(flat))
        .map((r) => r.replace(/^.*-<AWS::Region>/, ''))
        .sort(),
    ).toEqual([`/rules/${dev.screening.ruleSet}.json`, `/${dev.screening.watchlistKey}`].sort());
    // Exactly what the re-screen path uses, and its own logs (besides X-Ray and consuming its queue).
    expect(
      [...new Set(actions)]
        .filter((a) => !a.startsWith('xray:') && !/^sqs:(Receive|Delete|ChangeMessage|GetQueue)/.test(a))
        .sort(),
    ).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'kms:Decrypt',
        'kms:Encrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:GetObject',
        'sqs:SendMessage',
      ].sort(),
    );
  });
});

describe('ingest permissions', () => {
  const statements = () => {
    const role = Object.keys(resourcesOf(env.intake, 'AWS::IAM::Role')).find((id) =>
      id.startsWith('IngestRole'),
    )!;
    const policies = Object.values(resourcesOf(env.intake, 'AWS::IAM::Policy')).filter((p) =>
      (p.Properties as { Roles: unknown[] }).Roles.some((r) => (r as { Ref?: string }).Ref === role),
    );
    return {
      role: resourcesOf(env.intake, 'AWS::IAM::Role')[role]!,
      statements: policies.flatMap(
        (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
      ),
    };
  };

  it('has no wildcard actions and no AWS managed policies', () => {
    const { role, statements: all } = statements();
    expect((role.Properties as { ManagedPolicyArns?: unknown }).ManagedPolicyArns).toBeUndefined();
    expect(all.length).toBeGreaterThan(0);
    for (const s of all) {
      expect(s.Effect).toBe('Allow');
      for (const action of actionsOf(s)) expect(action).not.toContain('*');
    }
  });

  it('uses Resource "*" only for X-Ray', () => {
    for (const s of statements().statements) {
      if (resourcesOfStatement(s).includes('*')) {
        expect(actionsOf(s).every((a) => a.startsWith('xray:'))).toBe(true);
      }
    }
  });

  it('reads objects under incoming/ and its two screening objects, writes under ack/, nothing else in S3', () => {
    const s3 = statements().statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const grants = s3.map((s) => ({ actions: actionsOf(s), resources: resourcesOfStatement(s).map(flat) }));
    const bucketArn = 'arn:<AWS::Partition>:s3:::manifest-intake-dev-raw-<AWS::AccountId>-<AWS::Region>';
    const refData = 'arn:<AWS::Partition>:s3:::manifest-intake-dev-refdata-<AWS::AccountId>-<AWS::Region>';
    // IAM policy minimization merges the GetObject statements: compare them as one set.
    const reads = grants.filter((g) => g.actions.includes('s3:GetObject'));
    expect(reads.every((g) => g.actions.length === 1)).toBe(true);
    expect(reads.flatMap((g) => g.resources).sort()).toEqual(
      [`${bucketArn}/incoming/*`, `${refData}/rules/default.json`, `${refData}/watchlists/csl.csv`].sort(),
    );
    expect(grants.filter((g) => !g.actions.includes('s3:GetObject'))).toEqual([
      { actions: ['s3:PutObject'], resources: [`${bucketArn}/ack/*`] },
    ]);
  });

  it('reads exactly its rule set and watchlist in the reference-data bucket, by object ARN', () => {
    const refData = statements()
      .statements.flatMap((s) =>
        resourcesOfStatement(s).map((r) => ({ actions: actionsOf(s), arn: flat(r) })),
      )
      .filter((g) => g.arn.includes('-refdata-'));
    expect(refData.map((g) => g.arn.replace(/^.*-<AWS::Region>/, '')).sort()).toEqual(
      [`/${dev.screening.watchlistKey}`, `/rules/${dev.screening.ruleSet}.json`].sort(),
    );
    for (const g of refData) {
      expect(g.actions).toEqual(['s3:GetObject']);
      expect(g.arn).not.toContain('*');
    }
  });

  it('grants what the screening aggregates call (UpdateItem, then GetItem), and no Scan', () => {
    const actions = statements()
      .statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:GetItem']));
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('uses the table data plane only, on the table itself', () => {
    const dynamo = statements().statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    // Exactly what shared/aws/dynamo-store.ts and aggregate-store.ts send, nothing more.
    expect(actionsOf(dynamo[0]!).sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    const tableId = only(env.storage, 'AWS::DynamoDB::Table').id;
    const [resource] = resourcesOfStatement(dynamo[0]!);
    expect(exportedValue(env.storage, resource)).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
  });

  it('may send to the review queue and consume the intake queue', () => {
    const all = statements().statements;
    const send = all.find((s) => actionsOf(s).includes('sqs:SendMessage'))!;
    const reviewQueueId = Object.keys(resourcesOf(env.review, 'AWS::SQS::Queue')).find(
      (id) => !id.includes('Dlq'),
    );
    expect(exportedValue(env.review, resourcesOfStatement(send)[0])).toEqual({
      'Fn::GetAtt': [reviewQueueId, 'Arn'],
    });
    const intakeQueueId = Object.keys(resourcesOf(env.intake, 'AWS::SQS::Queue')).find((id) =>
      id.startsWith('IntakeQueue'),
    );
    const consume = all.find((s) => actionsOf(s).includes('sqs:ReceiveMessage'))!;
    expect(actionsOf(consume)).toEqual(
      expect.arrayContaining(['sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(resourcesOfStatement(consume)).toEqual([{ 'Fn::GetAtt': [intakeQueueId, 'Arn'] }]);
  });
});

describe('table', () => {
  it('has pk/sk and three all-projected string GSIs, PITR, the CMK and on-demand billing', () => {
    const key = only(env.storage, 'AWS::KMS::Key');
    const S = (name: string) => ({ AttributeName: name, AttributeType: 'S' });
    const props = only(env.storage, 'AWS::DynamoDB::Table').resource.Properties as Record<string, unknown>;
    expect(props).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [key.id, 'Arn'] },
      },
      DeletionProtectionEnabled: false,
    });
    expect(props.AttributeDefinitions).toEqual(
      expect.arrayContaining(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'].map(S)),
    );
    expect(props.GlobalSecondaryIndexes).toEqual(
      [1, 2, 3].map((n) => ({
        IndexName: `gsi${n}`,
        KeySchema: [
          { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
          { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });
});

describe('observability', () => {
  it('sends alarms to an encrypted, TLS-only topic with the configured e-mail', () => {
    const topic = only(env.observability, 'AWS::SNS::Topic');
    expect(topic.resource.Properties).toHaveProperty('KmsMasterKeyId');
    env.observability.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: dev.alarmEmail,
      TopicArn: { Ref: topic.id },
    });
    env.observability.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    // CloudWatch may use the topic's key; otherwise alarm notifications are silently dropped.
    const key = only(env.observability, 'AWS::KMS::Key').resource.Properties as {
      KeyPolicy: { Statement: { Principal?: { Service?: string } }[] };
    };
    expect(key.KeyPolicy.Statement.some((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com')).toBe(
      true,
    );
  });

  it('alarms on both DLQs, function errors, ingest throttles, stalled or near-timeout ingestion, refused screening updates and the review backlog age', () => {
    const alarms = Object.values(resourcesOf(env.observability, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as Record<string, unknown>,
    );
    const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
    // Intake, review and re-screen DLQs.
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(3);
    // Ingest, the review API and the re-screen function.
    expect(byMetric('Errors')).toHaveLength(3);
    expect(byMetric('Throttles')).toHaveLength(1);
    const queueOf = (a: Record<string, unknown>) => flat((a.Dimensions as { Value: unknown }[])[0]!.Value);
    expect(
      byMetric('ApproximateAgeOfOldestMessage').map((a) => [
        queueOf(a).replace(/.*(Intake|Review).*/, '$1'),
        a.Threshold,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['Intake', 2 * dev.ingest.timeoutSeconds],
        ['Review', dev.reviewQueue.oldestMessageAlarmMinutes * 60],
      ]),
    );
    expect(byMetric('ApproximateAgeOfOldestMessage')).toHaveLength(2);
    expect(byMetric('Duration')).toEqual([
      expect.objectContaining({ Threshold: 0.8 * dev.ingest.timeoutSeconds * 1000, Statistic: 'Maximum' }),
    ]);
    // A list upload the re-screen function refused (it names nobody).
    expect(byMetric('RescreenRefused')).toEqual([
      expect.objectContaining({ Dimensions: [{ Name: 'service', Value: 'rescreen' }], Threshold: 1 }),
    ]);
    // An updated rule set or list that the ingest function refused.
    expect(byMetric('ScreeningUpdateFailures')).toEqual([
      expect.objectContaining({
        Namespace: 'ManifestIntake',
        Dimensions: [{ Name: 'service', Value: 'ingest' }],
        Statistic: 'Sum',
        Threshold: 1,
      }),
    ]);
    const topicId = only(env.observability, 'AWS::SNS::Topic').id;
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
    // The DLQ alarms watch the DLQs (by exported queue name), not the main queues.
    const dlqNames = byMetric('ApproximateNumberOfMessagesVisible').map((a) =>
      flat((a.Dimensions as { Value: unknown }[])[0]!.Value),
    );
    expect(dlqNames.every((n) => /Dlq/.test(n))).toBe(true);
  });

  it('has a dashboard', () => {
    env.observability.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'ManifestIntake-dev',
    });
  });
});
