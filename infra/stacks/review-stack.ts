import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { resourcePrefix, type EnvironmentConfig } from '../config/index.js';
import { flattenForNag } from '../constructs/nag.js';
import { QueueWithDlq } from '../constructs/queue-with-dlq.js';
import { ReviewerIdentity } from '../constructs/reviewer-identity.js';
import { ServiceFunction, type ServiceFunctionProps } from '../constructs/service-function.js';
import { WebConsole } from '../constructs/web-console.js';
import { INCOMING_PREFIX } from './intake-stack.js';
import { rawBucketName, tableArnExportName } from './storage-stack.js';

export interface ReviewStackProps extends StackProps {
  config: EnvironmentConfig;
  key: kms.IKey;
  table: dynamodb.ITable;
  rawBucket: s3.IBucket;
}

/** Routes of the review HTTP API (all to one function, all behind the Cognito JWT authorizer). */
export const REVIEW_API_ROUTES = [
  { path: '/review/{proxy+}', method: apigwv2.HttpMethod.ANY },
  { path: '/documents/{documentId}/raw', method: apigwv2.HttpMethod.GET },
] as const;

/** Table actions of the review function (shared/aws/dynamo-review-store.ts): no Scan, no delete. */
export const REVIEW_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
] as const;

/**
 * The reviewers' side: the review queue (and its DLQ) that ingest fills with flagged
 * consignments; the review HTTP API (one function, Cognito JWT authorizer, access logs,
 * throttling); the user pool with a group per role; the EventBridge bus for decision events;
 * and the web console (S3 + CloudFront, with the API under the same origin).
 *
 * The API, the user pool and the distribution share this stack because they refer to each other
 * (the web client's callback is the distribution, the distribution's origin is the API, the
 * authorizer's audience is the web client): across stacks that is a cycle.
 */
export class ReviewStack extends Stack {
  readonly config: EnvironmentConfig;
  readonly key: kms.IKey;
  readonly table: dynamodb.ITable;
  readonly rawBucket: s3.IBucket;
  readonly reviewQueue: sqs.Queue;
  readonly reviewDlq: sqs.Queue;
  readonly eventBus: events.EventBus;
  readonly apiFunction: ServiceFunction;
  readonly identity: ReviewerIdentity;
  readonly api: apigwv2.HttpApi;
  readonly apiStage: apigwv2.HttpStage;
  readonly webConsole: WebConsole;

  constructor(scope: Construct, id: string, props: ReviewStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    this.key = props.key;
    this.table = props.table;
    this.rawBucket = props.rawBucket;
    const prefix = resourcePrefix(config);
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Review items carry names and addresses: the data key encrypts them at rest.
    const review = new QueueWithDlq(this, 'Review', {
      key: props.key,
      visibilityTimeout: Duration.seconds(config.reviewQueue.visibilityTimeoutSeconds),
      maxReceiveCount: config.reviewQueue.maxReceiveCount,
      retentionPeriod: Duration.days(14),
    });
    this.reviewQueue = review.queue;
    this.reviewDlq = review.dlq;

    // Decision events (hold / do-not-load / cleared instructions) for filers and partner
    // agencies, who subscribe with rules of their own; the archive lets a late subscriber replay.
    this.eventBus = new events.EventBus(this, 'ReviewEvents', {
      eventBusName: `${prefix}-review`,
      description: `${config.project} ${config.envName}: review decisions and instructions`,
    });
    this.eventBus.archive('ReviewEventsArchive', {
      description: `${config.project} ${config.envName}: every review event`,
      eventPattern: { account: [this.account] },
      retention: Duration.days(config.review.eventArchiveDays),
    });

    // --- The review function ---------------------------------------------------------------
    // Named, not imported, like the intake stack does: policies then read the same in every
    // environment (see rawBucketName).
    const rawDocuments = s3.Bucket.fromBucketName(this, 'RawDocuments', rawBucketName(config));
    this.apiFunction = this.reviewFunction('ReviewApi', {
      entry: 'functions/review-api/handler.ts',
      serviceName: 'review-api',
      description: 'Review HTTP API: queue, claim, decide, release, audit, document links',
      environment: {
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        LEASE_SECONDS: String(config.review.leaseSeconds),
        DOCUMENT_LINKS: 'presigned',
        RAW_BUCKET: rawDocuments.bucketName,
        REVIEW_QUEUE_URL: this.reviewQueue.queueUrl,
      },
    });
    const fn = this.apiFunction;
    // The review queue distributes work: claim-next takes from it, release/reopen offer again.
    fn.allow(
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:SendMessage'],
      [this.reviewQueue.queueArn],
    );
    // Items, audit and outbox by key; the queue, related consignments and audit trails by the
    // GSIs (hence index/*). Nothing that scans, deletes or writes in bulk.
    // The ARN by its named export (see tableArnExportName): the acknowledgement below then
    // names the same resource in every synth.
    const tableArn = Fn.importValue(tableArnExportName(config));
    fn.allow([...REVIEW_TABLE_ACTIONS], [tableArn, `${tableArn}/index/*`]);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenForNag(this.resolve(tableArn))}/index/*]`,
      reason:
        "review-api queries the GSIs of its own table (gsi1..gsi3: queue by status and score, related consignments, audit); index/* names only that table's indexes, and the actions are Query/Get only there.",
    });
    this.eventBus.grantPutEventsTo(fn.fn);
    // The table and the raw bucket are encrypted with the data key; presigned downloads are
    // signed with this role, so it must be able to decrypt the object too.
    fn.allow(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [props.key.keyArn]);
    fn.allowObjects(
      rawDocuments,
      INCOMING_PREFIX,
      ['s3:GetObject'],
      'presigns downloads of uploaded documents',
    );

    // --- Sign-in ---------------------------------------------------------------------------
    this.identity = new ReviewerIdentity(this, 'Reviewers', { config });

    // --- The HTTP API ------------------------------------------------------------------------
    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `${prefix}-review`,
      description: `${config.project} ${config.envName}: review API`,
      // The default stage is built below, with access logs and throttling.
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'HttpApiAccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    this.apiStage = new apigwv2.HttpStage(this, 'HttpApiDefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.review.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            user: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // --- The console (its distribution fronts the API, so it comes after it) -------------------
    this.webConsole = new WebConsole(this, 'Console', {
      config,
      // https://<id>.execute-api.<region>.amazonaws.com → the host name
      apiDomain: Fn.select(2, Fn.split('/', this.api.apiEndpoint)),
      authOrigin: this.identity.hostedUiUrl,
    });
    const consoleUrl = `https://${this.webConsole.distribution.distributionDomainName}/`;
    const webClient = this.identity.addWebClient(consoleUrl);

    // --- Routes: every one behind the authorizer ---------------------------------------------
    // Access or ID tokens of the two clients; the function reads the groups from the claims.
    const authorizer = new HttpUserPoolAuthorizer('Cognito', this.identity.userPool, {
      authorizerName: 'cognito',
      userPoolClients: [webClient, this.identity.cliClient],
      identitySource: ['$request.header.Authorization'],
    });
    const integration = new HttpLambdaIntegration('ReviewApiIntegration', fn.fn, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    for (const route of REVIEW_API_ROUTES)
      this.api.addRoutes({ path: route.path, methods: [route.method], integration, authorizer });

    // config.json next to the console: what its sign-in needs (web/src/auth.ts).
    this.webConsole.deploy({
      region: this.region,
      userPoolId: this.identity.userPool.userPoolId,
      clientId: webClient.userPoolClientId,
      authUrl: this.identity.hostedUiUrl,
      redirectUri: consoleUrl,
    });

    // --- Outputs (the CLI's INTAKE_API_URL_<ENV> is ReviewApiUrl) ------------------------------
    const output = (name: string, value: string, description: string) =>
      new CfnOutput(this, name, { value, description });
    output('ReviewApiUrl', this.apiStage.url, 'Review HTTP API base URL (INTAKE_API_URL_<ENV> for the CLI)');
    output('ConsoleUrl', consoleUrl, 'Review console (CloudFront)');
    output(
      'UserPoolId',
      this.identity.userPool.userPoolId,
      'Cognito user pool of reviewers, supervisors, ops and carriers',
    );
    output('WebClientId', webClient.userPoolClientId, 'Cognito app client of the web console (code + PKCE)');
    output(
      'CliClientId',
      this.identity.cliClient.userPoolClientId,
      'Cognito app client of the intake CLI (SRP)',
    );
    output(
      'HostedUiUrl',
      this.identity.hostedUiUrl,
      'Cognito hosted UI (sign-in, first password, MFA setup)',
    );
    output('ReviewEventBusName', this.eventBus.eventBusName, 'EventBridge bus of review decision events');
  }

  /**
   * A review API function with the house defaults and the environment's API sizing. Grants are
   * the caller's job (`fn.allow(...)`, `table.grant(fn.fn, ...)`), so each function gets only
   * what it uses.
   */
  reviewFunction(
    id: string,
    props: Omit<ServiceFunctionProps, 'config' | 'settings'> & {
      settings?: ServiceFunctionProps['settings'];
    },
  ): ServiceFunction {
    return new ServiceFunction(this, id, {
      config: this.config,
      settings: props.settings ?? this.config.api,
      ...props,
      environment: { TABLE_NAME: this.table.tableName, ...props.environment },
    });
  }
}
