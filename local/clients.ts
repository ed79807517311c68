import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { StackInfo } from './stack-info.js';

/**
 * AWS SDK clients pointed at the local emulators, built explicitly (not from process.env) so the
 * local stack, the CLI and the tests can talk to it without touching their own environment.
 */
export interface LocalClients {
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  destroy(): void;
}

type Endpoints = Pick<StackInfo, 'region' | 's3Endpoint' | 'sqsEndpoint' | 'dynamodbEndpoint'>;

export function localClients(info: Endpoints): LocalClients {
  const common = { region: info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const s3 = new S3Client({
    ...common,
    endpoint: info.s3Endpoint,
    forcePathStyle: true,
    // Default checksums corrupt streamed bodies on emulators (see design notes).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const sqs = new SQSClient({ ...common, endpoint: info.sqsEndpoint });
  const dynamodb = new DynamoDBClient({ ...common, endpoint: info.dynamodbEndpoint });
  const doc = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  return {
    s3,
    sqs,
    dynamodb,
    doc,
    destroy() {
      s3.destroy();
      sqs.destroy();
      doc.destroy();
      dynamodb.destroy();
    },
  };
}
