import { Stage, Tags, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from './config/index.js';
import { IntakeStack } from './stacks/intake-stack.js';
import { ObservabilityStack } from './stacks/observability-stack.js';
import { ReviewStack } from './stacks/review-stack.js';
import { StorageStack } from './stacks/storage-stack.js';

export interface ManifestIntakeStageProps extends StageProps {
  config: EnvironmentConfig;
}

/**
 * One environment: stacks named `<stage>-Storage`, `-Review`, `-Intake`, `-Observability`.
 * Dependencies run one way: Storage ← Review ← Intake ← Observability.
 */
export class ManifestIntakeStage extends Stage {
  readonly config: EnvironmentConfig;
  readonly storage: StorageStack;
  readonly review: ReviewStack;
  readonly intake: IntakeStack;
  readonly observability: ObservabilityStack;

  constructor(scope: Construct, id: string, props: ManifestIntakeStageProps) {
    const { config } = props;
    super(scope, id, {
      ...props,
      env:
        props.env ??
        (config.account || config.region ? { account: config.account, region: config.region } : undefined),
    });
    this.config = config;

    this.storage = new StorageStack(this, 'Storage', {
      config,
      description: `${config.project} (${config.envName}): key, raw-document and reference-data buckets, table`,
    });
    this.review = new ReviewStack(this, 'Review', {
      config,
      key: this.storage.key,
      table: this.storage.table,
      rawBucket: this.storage.rawBucket,
      description: `${config.project} (${config.envName}): review queue, review API, sign-in, events, console`,
    });
    // Review imports the table ARN by name and derives the raw bucket's: make the order explicit.
    this.review.addStackDependency(this.storage);
    this.intake = new IntakeStack(this, 'Intake', {
      config,
      key: this.storage.key,
      table: this.storage.table,
      reviewQueue: this.review.reviewQueue,
      eventBus: this.review.eventBus,
      description: `${config.project} (${config.envName}): S3 notifications, intake and re-screen queues and functions`,
    });
    // Intake names the bucket instead of referencing it: make the order explicit.
    this.intake.addStackDependency(this.storage);
    this.observability = new ObservabilityStack(this, 'Observability', {
      config,
      intakeQueue: this.intake.intakeQueue,
      intakeDlq: this.intake.intakeDlq,
      ingestFunction: this.intake.ingest.fn,
      reviewQueue: this.review.reviewQueue,
      reviewDlq: this.review.reviewDlq,
      reviewApiFunction: this.review.apiFunction.fn,
      reviewApi: this.review.api,
      rescreenDlq: this.intake.rescreenDlq,
      rescreenFunction: this.intake.rescreen.fn,
      description: `${config.project} (${config.envName}): alarms and dashboard`,
    });

    Tags.of(this).add('Project', config.project);
    Tags.of(this).add('Environment', config.envName);
  }
}
