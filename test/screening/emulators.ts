import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

export const REGION = 'us-east-1';
export const TABLE = 'screening-test';
export const BUCKET = 'screening-config';

export interface Emulators {
  db: DynamoDBDocumentClient;
  s3: S3Client;
  sqs: SQSClient;
  queueUrl: string;
  close(): Promise<void>;
}

/** dynalite (DynamoDB) and fauxqs (S3, SQS) in this process on 127.0.0.1, with the single table. */
export async function startEmulators(): Promise<Emulators> {
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as (o: Record<string, number>) => Server;
  const dyn = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((ok, fail) => {
    dyn.once('error', fail);
    dyn.listen(0, '127.0.0.1', () => ok());
  });
  const dynamodb = `http://127.0.0.1:${(dyn.address() as AddressInfo).port}`;
  const fauxqs = buildApp({ logger: false, defaultRegion: REGION });
  const endpoint = await fauxqs.listen({ host: '127.0.0.1', port: 0 });
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const raw = new DynamoDBClient({ endpoint: dynamodb, region: REGION, credentials });
  await raw.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    }),
  );
  const s3 = new S3Client({
    endpoint,
    region: REGION,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const sqs = new SQSClient({ endpoint, region: REGION, credentials });
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'review-test' }))).QueueUrl!;
  const db = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return {
    db,
    s3,
    sqs,
    queueUrl,
    close: async () => {
      raw.destroy();
      s3.destroy();
      sqs.destroy();
      await fauxqs.close();
      await new Promise<void>((ok) => {
        dyn.closeAllConnections();
        dyn.close(() => ok());
      });
    },
  };
}
