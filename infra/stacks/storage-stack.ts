import { Aws, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { resourcePrefix, type EnvironmentConfig } from '../config/index.js';

/**
 * The raw-document bucket's name, from the environment plus the account and region pseudo
 * parameters. Other stacks derive it instead of importing it: their policies then name the
 * bucket in the same words in every environment (stable cdk-nag acknowledgements), and the
 * local stack resolves it without cross-stack exports.
 */
export function rawBucketName(config: EnvironmentConfig): string {
  return `${resourcePrefix(config)}-raw-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export interface StorageStackProps extends StackProps {
  config: EnvironmentConfig;
}

/**
 * The data that outlives deployments: the customer managed key, the raw-document bucket (and
 * its access-log bucket) and the single DynamoDB table. Prod retains all of it.
 */
export class StorageStack extends Stack {
  readonly key: kms.Key;
  readonly rawBucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'DataKey', {
      alias: `alias/${resourcePrefix(config)}-data`,
      description: `${config.project} ${config.envName}: documents, table and queues`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(config.retainData ? 30 : 7),
    });

    // S3 server access logs can only be delivered to an SSE-S3 bucket (not SSE-KMS).
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        { id: 'expire-logs', expiration: Duration.days(config.rawBucket.accessLogExpirationDays) },
      ],
      removalPolicy,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log target; logging its own access would loop.',
    });

    this.rawBucket = new s3.Bucket(this, 'RawDocuments', {
      bucketName: rawBucketName(config),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'raw-documents/',
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(config.rawBucket.noncurrentVersionExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy,
    });

    // Key design: shared/store/keys.ts (pk/sk plus three overloaded GSIs, all strings).
    // `Table` rather than `TableV2`: TableV2 cannot render a customer managed key in a
    // region-agnostic stack, and this app synthesizes without an account or region.
    const S = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.deletionProtection,
      removalPolicy,
    });
    for (const n of [1, 2, 3]) {
      this.table.addGlobalSecondaryIndex({
        indexName: `gsi${n}`,
        partitionKey: { name: `gsi${n}pk`, type: S },
        sortKey: { name: `gsi${n}sk`, type: S },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
