import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * AWS clients with the house defaults. Endpoints come from the standard AWS_ENDPOINT_URL_*
 * variables, so the same handler talks to AWS or to the local emulators. Emulators need
 * path-style S3 and no default request checksums (they corrupt streamed bodies).
 */
const onEmulator = () => Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);

export function s3Client(): S3Client {
  return new S3Client(
    onEmulator()
      ? {
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {},
  );
}

export function sqsClient(): SQSClient {
  return new SQSClient({});
}

export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
