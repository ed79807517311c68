import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import type { AssemblyStack, CfnTemplate } from '../../local/cloud-assembly.js';
import { readCloudAssembly } from '../../local/cloud-assembly.js';
import type { LambdaInvokeError } from '../../local/lambda-runner.js';
import { failedIds } from '../../local/poller.js';
import { matches, s3EventKey } from '../../local/s3-events.js';
import { buildModel, findFunction } from '../../local/template-model.js';
import { FIXTURE_ASSEMBLY, startTestStack } from '../helpers/local-stack.js';

/** The local stack's pure parts (batch-failure rules, S3 key encoding, template resolution) and persistence. */

const records = (...ids: string[]) => ids.map((messageId) => ({ messageId }) as SQSRecord);

describe('batchItemFailures, by Lambda rules', () => {
  const batch = records('a', 'b', 'c');
  it('treats a normal return without the field as success', () => {
    expect(failedIds(undefined, batch, true)).toEqual([]);
    expect(failedIds({ ok: true }, batch, true)).toEqual([]);
    expect(failedIds({ batchItemFailures: [] }, batch, true)).toEqual([]);
    expect(failedIds({ batchItemFailures: null }, batch, true)).toEqual([]);
  });
  it('keeps only the listed messages', () => {
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: 'b' }] }, batch, true)).toEqual(['b']);
  });
  it('fails the whole batch on a malformed or unknown identifier', () => {
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: 'zz' }] }, batch, true)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: '' }] }, batch, true)).toEqual(['a', 'b', 'c']);
    expect(failedIds({ batchItemFailures: 'b' }, batch, true)).toEqual(['a', 'b', 'c']);
  });
  it('ignores the field when the mapping does not report batch item failures', () => {
    expect(failedIds({ batchItemFailures: [{ itemIdentifier: 'b' }] }, batch, false)).toEqual([]);
  });
});

describe('S3 event keys and filters', () => {
  it('encodes keys as S3 does: + for spaces, / kept, the rest escaped', () => {
    expect(s3EventKey('incoming/ACME/D1/my file (1).csv')).toBe('incoming/ACME/D1/my+file+%281%29.csv');
    expect(s3EventKey('a+b/ü=1.txt')).toBe('a%2Bb/%C3%BC%3D1.txt');
  });
  it('matches event patterns, prefixes and suffixes on the decoded key', () => {
    const n = {
      bucket: 'b',
      target: 'queue' as const,
      targetArn: 'q',
      events: ['s3:ObjectCreated:*'],
      prefix: 'incoming/',
      configurationId: 'c',
    };
    expect(matches(n, 'b', 'ObjectCreated:Put', 'incoming/x.csv')).toBe(true);
    expect(matches(n, 'b', 'ObjectCreated:Copy', 'incoming/x.csv')).toBe(true);
    expect(matches(n, 'b', 'ObjectCreated:Put', 'ack/x.json')).toBe(false);
    expect(matches(n, 'other', 'ObjectCreated:Put', 'incoming/x.csv')).toBe(false);
    expect(matches({ ...n, events: ['s3:ObjectCreated:Put'] }, 'b', 'ObjectCreated:Copy', 'incoming/x')).toBe(
      false,
    );
  });
});

function stackOf(template: CfnTemplate, stackName = 'App-dev-Main'): AssemblyStack {
  return {
    stackName,
    displayName: stackName,
    dir: '/nowhere',
    templateFile: '/nowhere/t.json',
    template,
    assets: new Map(),
  };
}
const env = { region: 'eu-west-1', queueUrl: (name: string) => `http://127.0.0.1:1/000000000000/${name}` };

describe('template resolution', () => {
  it('resolves Fn::Sub (with variables and ${!literals}), Fn::FindInMap and SSM references to parameters of the stage', () => {
    const template: CfnTemplate = {
      Mappings: { Levels: { dev: { log: 'DEBUG' } } },
      Parameters: { Mode: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/app/mode' } },
      Resources: {
        ModeParam11112222: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/mode', Value: 'fast' } },
        Queue1A2B3C4D: {
          Type: 'AWS::SQS::Queue',
          Properties: { QueueName: { 'Fn::Sub': '${AWS::StackName}-jobs' } },
        },
        Fn11223344: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Code: { S3Key: 'x.zip' },
            Environment: {
              Variables: {
                SUBBED: {
                  'Fn::Sub': [
                    '${Name} in ${AWS::Region}, literal ${!Keep}',
                    { Name: { Ref: 'Queue1A2B3C4D' } },
                  ],
                },
                LEVEL: { 'Fn::FindInMap': ['Levels', 'dev', 'log'] },
                MODE: { Ref: 'Mode' },
                DYNAMIC: '{{resolve:ssm:/app/mode}}',
                NUMBER: 42,
              },
            },
          },
          Metadata: { 'aws:asset:path': '/tmp/somewhere' },
        },
      },
    };
    const model = buildModel([stackOf(template)], env);
    expect(model.queues[0]!.name).toBe('App-dev-Main-jobs');
    expect(model.functions[0]!.environment).toEqual({
      SUBBED: 'http://127.0.0.1:1/000000000000/App-dev-Main-jobs in eu-west-1, literal ${Keep}',
      LEVEL: 'DEBUG',
      MODE: 'fast',
      DYNAMIC: 'fast',
      NUMBER: '42',
    });
    expect(model.functions[0]!.timeoutSeconds).toBe(3); // Lambda's default
  });

  it('keeps local names within service limits and stable', () => {
    const long = 'VeryLongConstructNameThatKeepsGoingAndGoingAndGoingForeverAndEver';
    const template: CfnTemplate = {
      Resources: {
        [`${long}ABCDEF12`]: { Type: 'AWS::S3::Bucket' },
        [`${long}Q9876543`]: { Type: 'AWS::SQS::Queue' },
      },
    };
    const a = buildModel([stackOf(template, 'Some-Stage-Stack')], env);
    const b = buildModel([stackOf(template, 'Some-Stage-Stack')], env);
    expect(a.buckets[0]!.name.length).toBeLessThanOrEqual(63);
    expect(a.buckets[0]!.name).toMatch(/^[a-z0-9-]+$/);
    expect(a.buckets[0]!.name).toBe(b.buckets[0]!.name);
    expect(a.queues[0]!.name.length).toBeLessThanOrEqual(80);
  });

  it('keeps the hash suffix when two logical ids would otherwise clash', () => {
    const template: CfnTemplate = {
      Resources: { QueueAAAAAAAA: { Type: 'AWS::SQS::Queue' }, QueueBBBBBBBB: { Type: 'AWS::SQS::Queue' } },
    };
    expect(buildModel([stackOf(template)], env).queues.map((q) => q.name)).toEqual([
      'App-dev-Main-QueueAAAAAAAA',
      'App-dev-Main-QueueBBBBBBBB',
    ]);
  });

  it('says which reference it cannot resolve', () => {
    const template: CfnTemplate = {
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Environment: { Variables: { X: { 'Fn::ImportValue': 'Nobody:Exports' } } },
          },
          Metadata: { 'aws:asset:path': '/x' },
        },
      },
    };
    expect(() => buildModel([stackOf(template)], env)).toThrow(
      /no stack of this stage exports Nobody:Exports/,
    );
  });

  it('finds functions by construct id, logical id, name or ARN', async () => {
    const stacks = await readCloudAssembly(FIXTURE_ASSEMBLY, 'Fixture-local');
    const model = buildModel(stacks, env);
    const flaky = model.functions.find((f) => f.logicalId === 'Flaky9A8B7C6D')!;
    for (const ref of [
      'Flaky',
      'Flaky9A8B7C6D',
      flaky.name,
      flaky.arn,
      'Fixture-local/App/Flaky',
      'App/Flaky',
    ])
      expect(findFunction(model.functions, ref)).toBe(flaky);
    // Found through the asset manifest (no aws:asset:path metadata on this one).
    expect(flaky.codeDir).toBe(join(FIXTURE_ASSEMBLY, 'asset.flaky'));
  });

  it('refuses a stage the assembly does not have, naming the ones it has', async () => {
    await expect(readCloudAssembly(FIXTURE_ASSEMBLY, 'Fixture-prod')).rejects.toThrow(
      /no stacks for stage Fixture-prod \(found: Fixture-local, Fixture-other\)/,
    );
  });
});

describe('the local stack, again', () => {
  it('replaces a function environment that crashed, and keeps DynamoDB data between runs when asked to', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'intake-persist-'));
    try {
      const first = await startTestStack({
        assemblyDir: FIXTURE_ASSEMBLY,
        stage: 'Fixture-local',
        name: 'persist-1',
        persistDir: dir,
        pollWaitSeconds: 1,
      });
      try {
        await first.waitForBatch((b) => b.length > 0); // the s3:TestEvent, so the poller is quiet now
        expect(await first.stack.invoke('Flaky', { op: 'env' })).toMatchObject({ invocations: 2 });
        const crash = await first.stack.invoke('Flaky', { op: 'crash' }).catch((e: unknown) => e);
        expect((crash as LambdaInvokeError).errorType).toBe('Runtime.ExitError');
        expect(await first.stack.invoke('Echo', { n: 1 })).toMatchObject({ event: { n: 1 } });
        expect(await first.stack.invoke('Flaky', { op: 'env' })).toMatchObject({ invocations: 1 });
        await first.stack.clients.doc.send(
          new PutCommand({ TableName: 'Fixture-local-Storage-Table', Item: { pk: 'KEEP', sk: 'ME', n: 1 } }),
        );
      } finally {
        await first.stop();
      }
      const second = await startTestStack({
        assemblyDir: FIXTURE_ASSEMBLY,
        stage: 'Fixture-local',
        name: 'persist-2',
        persistDir: dir,
        pollWaitSeconds: 1,
      });
      try {
        const { Item } = await second.stack.clients.doc.send(
          new GetCommand({ TableName: 'Fixture-local-Storage-Table', Key: { pk: 'KEEP', sk: 'ME' } }),
        );
        expect(Item).toEqual({ pk: 'KEEP', sk: 'ME', n: 1 });
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
