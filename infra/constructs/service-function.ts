import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { EnvironmentConfig, FunctionSettings } from '../config/index.js';
import { flattenForNag } from './nag.js';

/** Repository root, so entries are given relative to it (`functions/ingest/handler.ts`). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Lambda runtime of every function, and the esbuild target that both it and the local Node 20 run. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const ESBUILD_TARGET = 'node20';
export const METRICS_NAMESPACE = 'ManifestIntake';

// ESM bundles have no `require`; CommonJS dependencies (X-Ray SDK, jsonpack, ...) still call it.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface ServiceFunctionProps {
  config: EnvironmentConfig;
  /** Handler module relative to the repository root, exporting `handler`. */
  entry: string;
  /** Powertools service name (logger `service`, metrics dimension). */
  serviceName: string;
  settings: FunctionSettings;
  description?: string;
  environment?: Record<string, string>;
}

/**
 * A Node.js function with the house defaults: nodejs22.x on ARM64, ESM bundle built by the
 * local esbuild (minified, linked source maps), an explicit log group with the environment's
 * retention, active tracing, Powertools settings, and a role that holds only what it is granted
 * (no AWS managed policy).
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { config, settings } = props;
    this.serviceName = props.serviceName;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName} function (${config.envName})`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every group): write to this group only.
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Handler', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: settings.memorySize,
      timeout: Duration.seconds(settings.timeoutSeconds),
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Ship the SDK version we test with instead of the one the runtime happens to carry.
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });

    // Active tracing, set on the L1 so that CDK does not put the X-Ray statement (Resource "*")
    // into the role's default policy: acknowledged there, Resource::* would cover any later
    // statement too. In a policy of its own the acknowledgement covers X-Ray only.
    (this.fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    const tracing = new iam.Policy(this, 'TracingPolicy', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    this.fn.node.addDependency(tracing);
    Validations.of(tracing).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords accept only Resource "*".',
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the house runtime: the same bundle runs in the local stack on Node 20, and the runtime moves with the toolchain, not per function.',
    });
  }

  /**
   * Allows object `actions` under one prefix of a bucket. The object ARN ends in `*` by nature,
   * so the cdk-nag IAM5 finding it raises is acknowledged here, with the reason given. The
   * bucket must be named in this stack's own terms (`s3.Bucket.fromBucketName`, or a bucket of
   * the same stack): an ARN imported from another stack renders differently once synthesized.
   */
  allowObjects(bucket: s3.IBucket, prefix: string, actions: string[], reason: string): void {
    if (!prefix.endsWith('/')) throw new Error(`prefix ${prefix} must end with '/'`);
    this.allow(actions, [bucket.arnForObjects(`${prefix}*`)]);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenForNag(Stack.of(this).resolve(bucket.bucketArn))}/${prefix}*]`,
      reason: `${this.serviceName} ${reason}: ${actions.join(', ')} on objects under ${prefix} only.`,
    });
  }

  /** Allows `actions` on `resources` (explicit actions only: no wildcards). */
  allow(actions: string[], resources: string[]): void {
    for (const action of actions) {
      if (action.includes('*')) throw new Error(`wildcard action ${action} refused: name the actions`);
    }
    if (resources.includes('*')) throw new Error('Resource "*" refused: name the resources');
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
  }
}
