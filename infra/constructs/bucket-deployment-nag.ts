import { Stack, Validations } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { IConstruct } from 'constructs';
import { flattenForNag } from './nag.js';

/**
 * Acknowledges what cdk-nag finds on CDK's BucketDeployment provider (one singleton function per
 * stack): its role, its grants and its runtime are CDK's, not ours, and it runs only while
 * CloudFormation deploys. Each finding is named exactly, so anything else on that role still fails.
 */
export function acknowledgeBucketDeployment(
  deployment: s3deploy.BucketDeployment,
  destination: s3.IBucket,
  what: string,
  invalidatesCache = false,
): void {
  // The singleton provider function: the handler role's parent.
  const provider = deployment.handlerRole.node.scope as IConstruct | undefined;
  if (!provider) throw new Error('expected the BucketDeployment handler role inside its function');
  const stack = Stack.of(deployment);
  const destinationObjects = `${flattenForNag(stack.resolve(destination.bucketArn))}/*`;
  const v = Validations.of(provider);
  const during = `CDK's BucketDeployment provider copies ${what} during deployments only`;
  v.acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: `${during}; CDK gives its role the basic execution policy for its own logs and does not let us replace it.`,
  });
  v.acknowledge({
    id: 'AwsSolutions-L1',
    reason: `${during}; its Python runtime is pinned by aws-cdk-lib and moves with CDK upgrades, not with our code.`,
  });
  for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*'])
    v.acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${during}: CDK's grantRead on the asset source and the destination bucket (${action}) lets it read the asset and list what to prune.`,
    });
  for (const action of ['s3:Abort*', 's3:DeleteObject*'])
    v.acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${during}: CDK's grantReadWrite on the destination bucket (${action}) lets it finish uploads and prune objects it deployed before.`,
    });
  v.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
    reason: `${during}: it reads the zipped asset from the CDK bootstrap asset bucket, whose object names are content hashes.`,
  });
  v.acknowledge({
    id: `AwsSolutions-IAM5[Resource::${destinationObjects}]`,
    reason: `${during}: it writes the objects of its destination bucket and of no other bucket.`,
  });
  if (invalidatesCache) {
    v.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${during}, then invalidates the CloudFront cache: CDK grants cloudfront:CreateInvalidation and GetInvalidation on Resource "*" to this provider and nothing else on "*".`,
    });
  }
  if (destination.encryptionKey) {
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*'])
      v.acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${during}: writing to the KMS-encrypted destination needs ${action} on that bucket's key (CDK's encryption-key grant), on no other key.`,
      });
  }
}
