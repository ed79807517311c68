import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startDynalite, startFauxqs } from '../../local/emulators.js';

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
  // The local stack's emulator starters: 127.0.0.1, free ports, tables ACTIVE at once.
  const dyn = await startDynalite({});
  const dynamodb = dyn.endpoint;
  const fauxqs = await startFauxqs({ region: REGION });
  const endpoint = fauxqs.endpoint;
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
      await dyn.close();
    },
  };
}
