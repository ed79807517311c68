import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleSetText } from '../../shared/screening/rules.js';
import { resourcePrefix, type EnvironmentConfig } from '../config/index.js';
import { acknowledgeBucketDeployment } from '../constructs/bucket-deployment-nag.js';
import { PROJECT_ROOT } from '../constructs/service-function.js';

/**
 * The raw-document bucket's name, from the environment plus the account and region pseudo
 * parameters. Other stacks derive it instead of importing it: their policies then name the
 * bucket in the same words in every environment (stable cdk-nag acknowledgements), and the
 * local stack resolves it without cross-stack exports.
 */
export function rawBucketName(config: EnvironmentConfig): string {
  return `${resourcePrefix(config)}-raw-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/**
 * The reference-data bucket (screening rule sets and denied-party lists), named like the raw
 * bucket so that the intake stack's grants name exact object ARNs without an import.
 */
export function referenceDataBucketName(config: EnvironmentConfig): string {
  return `${resourcePrefix(config)}-refdata-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** Where rule sets land in the reference-data bucket (one object per file in config/rules/). */
export const RULES_PREFIX = 'rules/';
export const RULES_SOURCE_DIR = 'config/rules';

/** The object keys the ingest function reads: this environment's rule set and watchlist. */
export function screeningKeys(config: EnvironmentConfig): { rules: string; watchlist: string } {
  return {
    rules: `${RULES_PREFIX}${config.screening.ruleSet}.json`,
    watchlist: config.screening.watchlistKey,
  };
}

/**
 * Fails the synth when the environment's rule set is missing or would be refused by the
 * screening loader (the same zod validation the ingest function runs when it loads it).
 */
export function checkRuleSet(config: EnvironmentConfig): void {
  const file = join(PROJECT_ROOT, RULES_SOURCE_DIR, `${config.screening.ruleSet}.json`);
  if (!existsSync(file))
    throw new Error(
      `${config.envName}: screening.ruleSet ${config.screening.ruleSet} has no file ${RULES_SOURCE_DIR}/${config.screening.ruleSet}.json`,
    );
  parseRuleSetText(readFileSync(file, 'utf8'), file);
}

/**
 * The table ARN's export, by a name of our own: stacks that grant on `<table>/index/*` import it
 * by this name, so the cdk-nag acknowledgement of that wildcard names the same words in every
 * synth (an automatic export's name carries a hash).
 */
export function tableArnExportName(config: EnvironmentConfig): string {
  return `${config.project}-${config.envName}-TableArn`;
}

export interface StorageStackProps extends StackProps {
  config: EnvironmentConfig;
}

/**
 * The data that outlives deployments: the customer managed key, the raw-document bucket, the
 * reference-data bucket (screening rule sets and watchlists), their access-log bucket and the
 * single DynamoDB table. Prod retains all of it.
 */
export class StorageStack extends Stack {
  readonly key: kms.Key;
  readonly rawBucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  readonly referenceDataBucket: s3.Bucket;
  readonly rulesDeployment: s3deploy.BucketDeployment;
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
      ...this.dataBucketDefaults('raw-documents/'),
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

    // Screening rule sets (deployed from the repository below) and denied-party lists (uploaded
    // by operations). Party names are personal data: the data key encrypts them.
    this.referenceDataBucket = new s3.Bucket(this, 'ReferenceData', {
      bucketName: referenceDataBucketName(config),
      ...this.dataBucketDefaults('reference-data/'),
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(config.rawBucket.noncurrentVersionExpirationDays),
        },
      ],
      removalPolicy,
    });

    // Every rule set in config/rules/ goes to rules/, so each environment finds the one its
    // configuration names; a change to a rule file is a deployment, not a code change.
    checkRuleSet(config);
    this.rulesDeployment = new s3deploy.BucketDeployment(this, 'RuleSets', {
      sources: [s3deploy.Source.asset(join(PROJECT_ROOT, RULES_SOURCE_DIR))],
      destinationBucket: this.referenceDataBucket,
      destinationKeyPrefix: RULES_PREFIX,
      // Prune within rules/ only: a rule file removed from the repository leaves the bucket too.
      prune: true,
      // Old versions stay in the versioned bucket; the objects themselves go with the stack
      // only where the data does.
      retainOnDelete: config.retainData,
      logGroup: new logs.LogGroup(this, 'RuleSetsDeploymentLogs', {
        retention: config.logRetentionDays as logs.RetentionDays,
        removalPolicy,
      }),
    });
    acknowledgeBucketDeployment(
      this.rulesDeployment,
      this.referenceDataBucket,
      'the rule sets into the reference-data bucket',
    );
    new CfnOutput(this, 'ReferenceDataBucketName', {
      value: this.referenceDataBucket.bucketName,
      description: `Screening data: rules/<set>.json (deployed), ${config.screening.watchlistKey} (upload the CSL here)`,
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
    new CfnOutput(this, 'TableArn', {
      value: this.table.tableArn,
      exportName: tableArnExportName(config),
      description: 'Single table (its GSIs are <arn>/index/*)',
    });
  }

  /** The house defaults for a data bucket: the data key, versioned, TLS 1.2+ only, private, owner-enforced, access-logged. */
  private dataBucketDefaults(logPrefix: string) {
    return {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: logPrefix,
    } satisfies Partial<s3.BucketProps>;
  }
}
