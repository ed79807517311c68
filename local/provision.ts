import { CreateTableCommand, DescribeTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import type { LocalClients } from './clients.js';
import type { BucketDeploymentSpec, LocalModel, QueueSpec, TableSpec } from './template-model.js';

/**
 * Creates the model's buckets, queues and tables on the emulators. Capacity, encryption,
 * versioning and policies have no local meaning; keys, indexes, visibility timeouts and
 * redrive policies do, and are kept exactly.
 */

/** Dead-letter queues first, so a redrive policy never names a queue that does not exist yet. */
function queueOrder(queues: QueueSpec[]): QueueSpec[] {
  const byArn = new Map(queues.map((q) => [q.arn, q]));
  const out: QueueSpec[] = [];
  const seen = new Set<string>();
  const visit = (q: QueueSpec, depth: number) => {
    if (seen.has(q.arn) || depth > queues.length) return;
    const dlq = q.deadLetterArn ? byArn.get(q.deadLetterArn) : undefined;
    if (dlq) visit(dlq, depth + 1);
    seen.add(q.arn);
    out.push(q);
  };
  queues.forEach((q) => visit(q, 0));
  return out;
}

async function createTable(clients: LocalClients, t: TableSpec, warn: (m: string) => void): Promise<void> {
  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: t.name,
        KeySchema: t.keySchema,
        AttributeDefinitions: t.attributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        ...(t.globalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes: t.globalSecondaryIndexes } : {}),
        ...(t.localSecondaryIndexes.length > 0 ? { LocalSecondaryIndexes: t.localSecondaryIndexes } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    // Persisted from an earlier run: fine when its keys and indexes still match the template.
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: t.name }));
    const keys = (list: { AttributeName?: string; KeyType?: string }[] | undefined) =>
      JSON.stringify((list ?? []).map((k) => [k.AttributeName, k.KeyType]));
    const indexes = (
      list: { IndexName?: string; KeySchema?: { AttributeName?: string; KeyType?: string }[] }[] | undefined,
    ) => JSON.stringify((list ?? []).map((i) => [i.IndexName, keys(i.KeySchema)]).sort());
    if (
      keys(Table?.KeySchema) !== keys(t.keySchema) ||
      indexes(Table?.GlobalSecondaryIndexes) !== indexes(t.globalSecondaryIndexes)
    ) {
      warn(
        `table ${t.name} was kept from an earlier run but its keys or indexes differ from the template; delete the persisted data to start afresh`,
      );
    }
  }
}

export async function provision(
  model: LocalModel,
  clients: LocalClients,
  warn: (message: string) => void = () => {},
): Promise<void> {
  for (const b of model.buckets) await clients.s3.send(new CreateBucketCommand({ Bucket: b.name }));
  for (const q of queueOrder(model.queues)) {
    const out = await clients.sqs.send(
      new CreateQueueCommand({ QueueName: q.name, Attributes: q.attributes }),
    );
    // Function environments were resolved with the URL the emulator hands out; they must agree.
    if (out.QueueUrl !== q.url)
      throw new Error(`queue ${q.name}: the emulator answered ${out.QueueUrl}, expected ${q.url}`);
  }
  for (const t of model.tables) await createTable(clients, t, warn);
  for (const d of model.bucketDeployments) await deploy(clients, d, warn);
}

/** Copies a BucketDeployment's asset folders under its prefix, as CDK's provider does at deploy time. */
async function deploy(
  clients: LocalClients,
  d: BucketDeploymentSpec,
  warn: (m: string) => void,
): Promise<void> {
  for (const dir of d.sourceDirs) {
    const files = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => undefined);
    if (!files) {
      warn(`${d.id}: asset folder ${dir} is missing; nothing deployed to s3://${d.bucket}/${d.prefix}`);
      continue;
    }
    for (const f of files) {
      if (!f.isFile()) continue;
      const path = join(f.parentPath, f.name);
      const key = `${d.prefix}${relative(dir, path).split(sep).join('/')}`;
      await clients.s3.send(new PutObjectCommand({ Bucket: d.bucket, Key: key, Body: await readFile(path) }));
    }
  }
}
