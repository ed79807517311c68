import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/index.js';
import { METRICS_NAMESPACE } from '../constructs/service-function.js';

export interface ObservabilityStackProps extends StackProps {
  config: EnvironmentConfig;
  intakeQueue: sqs.IQueue;
  intakeDlq: sqs.IQueue;
  ingestFunction: lambda.IFunction;
  reviewQueue: sqs.IQueue;
  reviewDlq: sqs.IQueue;
  reviewApiFunction: lambda.IFunction;
  reviewApi: apigwv2.IHttpApi;
  rescreenDlq: sqs.IQueue;
  rescreenFunction: lambda.IFunction;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Alarms to an e-mail topic, and one dashboard for the intake path and the review API. */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config } = props;

    // CloudWatch publishes alarms to an encrypted topic only with a key it may use;
    // the AWS managed SNS key does not allow that, hence a key of our own.
    const alarmKey = new kms.Key(this, 'AlarmKey', {
      description: `${config.project} ${config.envName}: alarm topic`,
      enableKeyRotation: true,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${config.project} ${config.envName} alarms`,
      masterKey: alarmKey,
      enforceSSL: true,
    });
    this.alarmTopic.addSubscription(new subs.EmailSubscription(config.alarmEmail));

    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const a = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${config.project} ${config.envName}: ${description}`,
      });
      a.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      a.addOkAction(new actions.SnsAction(this.alarmTopic));
      this.alarms.push(a);
      return a;
    };

    const max = { statistic: cloudwatch.Stats.MAXIMUM, period: FIVE_MINUTES };
    const sum = { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES };
    alarm(
      'IntakeDlqMessages',
      props.intakeDlq.metricApproximateNumberOfMessagesVisible(max),
      1,
      'uploads could not be ingested and are in the intake DLQ',
    );
    alarm(
      'ReviewDlqMessages',
      props.reviewDlq.metricApproximateNumberOfMessagesVisible(max),
      1,
      'review items are in the review DLQ',
    );
    alarm(
      'RescreenDlqMessages',
      props.rescreenDlq.metricApproximateNumberOfMessagesVisible(max),
      1,
      'a re-screen after a watchlist update failed and is in the re-screen DLQ: stored consignments were not all re-screened',
    );
    alarm('IngestErrors', props.ingestFunction.metricErrors(sum), 1, 'the ingest function failed');
    alarm('RescreenErrors', props.rescreenFunction.metricErrors(sum), 1, 'the re-screen function failed');
    alarm(
      'IngestThrottles',
      props.ingestFunction.metricThrottles(sum),
      1,
      'the ingest function was throttled',
    );
    // Ingestion stalled: uploads wait (the function is failing, throttled or at its concurrency),
    // or documents come close to the timeout, past which there is no checkpoint to resume from.
    const timeout = config.ingest.timeoutSeconds;
    alarm(
      'IntakeBacklogAge',
      props.intakeQueue.metricApproximateAgeOfOldestMessage(max),
      2 * timeout,
      `an upload has waited more than ${2 * timeout} s (twice the ingest timeout) to be read`,
    );
    alarm(
      'IngestNearTimeout',
      props.ingestFunction.metricDuration(max),
      0.8 * timeout * 1000,
      `an ingest run took more than 80 % of its ${timeout} s timeout: a larger document would not be read`,
    );
    alarm(
      'ReviewBacklogAge',
      props.reviewQueue.metricApproximateAgeOfOldestMessage(max),
      config.reviewQueue.oldestMessageAlarmMinutes * 60,
      `a flagged consignment has waited more than ${config.reviewQueue.oldestMessageAlarmMinutes} minutes for review`,
    );

    // The review API: function failures, 5xx answers (API Gateway's count and the function's
    // own), and audit/event writes left in the outbox (a decision whose event has not gone out).
    alarm('ReviewApiErrors', props.reviewApiFunction.metricErrors(sum), 1, 'the review API function failed');
    alarm('ReviewApi5xx', props.reviewApi.metricServerError(sum), 1, 'the review API answered 5xx');
    const custom = (service: string, name: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service },
        ...sum,
      });
    alarm(
      'ReviewApiServerErrors',
      custom('review-api', 'ApiServerErrors'),
      1,
      'the review API handler answered 5xx (ApiServerErrors)',
    );
    alarm(
      'ReviewOutboxFlushFailures',
      custom('review-api', 'OutboxFlushFailures'),
      1,
      'audit entries or decision events could not be flushed from the outbox (OutboxFlushFailures)',
    );

    // A new rule set or list in S3 that the ingest function refused (unreadable, or emptied of
    // every name): it screens on with the version it had, and the update waits for ops.
    alarm(
      'ScreeningUpdateFailures',
      custom('ingest', 'ScreeningUpdateFailures'),
      1,
      'the ingest function could not load an updated rule set or watchlist and screens with the one it had (ScreeningUpdateFailures)',
    );

    alarm(
      'RescreenRefused',
      custom('rescreen', 'RescreenRefused'),
      1,
      'a watchlist upload named nobody: stored consignments were not re-screened with it (RescreenRefused)',
    );

    const business = (name: string) => custom('ingest', name);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${config.project}-${config.envName}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Documents and consignments',
        left: [
          'DocumentsProcessed',
          'ConsignmentsAccepted',
          'ConsignmentsRejected',
          'ConsignmentsFlagged',
        ].map(business),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Ingest function',
        left: [
          props.ingestFunction.metricInvocations(sum),
          props.ingestFunction.metricErrors(sum),
          props.ingestFunction.metricThrottles(sum),
        ],
        right: [props.ingestFunction.metricDuration({ statistic: 'p95', period: FIVE_MINUTES })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queues: visible messages',
        left: [
          props.intakeQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'intake' }),
          props.reviewQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'review' }),
        ],
        right: [
          props.intakeDlq.metricApproximateNumberOfMessagesVisible({ ...max, label: 'intake DLQ' }),
          props.reviewDlq.metricApproximateNumberOfMessagesVisible({ ...max, label: 'review DLQ' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Queues: age of oldest message (s)',
        left: [
          props.intakeQueue.metricApproximateAgeOfOldestMessage({ ...max, label: 'intake' }),
          props.reviewQueue.metricApproximateAgeOfOldestMessage({ ...max, label: 'review' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Review API',
        left: [
          props.reviewApiFunction.metricInvocations(sum),
          props.reviewApiFunction.metricErrors(sum),
          props.reviewApi.metricServerError(sum),
          props.reviewApi.metricClientError(sum),
        ],
        right: [
          custom('review-api', 'ReviewClaims'),
          custom('review-api', 'ReviewDecisions'),
          custom('review-api', 'OutboxFlushFailures'),
        ],
        width: 24,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
  }
}
