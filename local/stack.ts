import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { emulatorEnv, type StackInfo } from './stack-info.js';
import { readCloudAssembly } from './cloud-assembly.js';
import { localClients, type LocalClients } from './clients.js';
import { startDynalite, startFauxqs, type Dynalite, type Fauxqs } from './emulators.js';
import { LambdaRunner } from './lambda-runner.js';
import { EventSourcePoller, type BatchReport } from './poller.js';
import { provision } from './provision.js';
import { seedWatchlist } from './reference-data.js';
import { NotificationDispatcher } from './s3-events.js';
import {
  buildModel,
  constructId,
  displayPath,
  findFunction,
  LOCAL_ACCOUNT_ID,
  type FunctionSpec,
  type LocalModel,
  type QueueSpec,
} from './template-model.js';

/**
 * The whole local stack: emulators, resources provisioned from the cloud assembly, S3
 * notifications, the functions in worker threads and the SQS event source poller.
 */

export interface LocalStackOptions {
  /** Cloud assembly folder (a cdk.out). */
  assemblyDir: string;
  /** Stage to run, e.g. "ManifestIntake-dev"; every stack of the assembly when omitted. */
  stage?: string;
  /** Region for ARNs and clients; the stacks' own region, else us-east-1. */
  region?: string;
  /** Fixed ports; random free ports by default. */
  fauxqsPort?: number;
  dynamodbPort?: number;
  /** Keep DynamoDB data in this folder (leveldb) between runs; in memory when omitted. */
  persistDir?: string;
  /** One log file per function. */
  logDir?: string;
  onLogLine?: (functionId: string, line: string) => void;
  progress?: (line: string) => void;
  warn?: (line: string) => void;
  onBatch?: (report: BatchReport) => void;
  /** Long-poll wait of the event source poller (s). */
  pollWaitSeconds?: number;
}

/** The spine's resources, found by following the template: bucket → notified queue → function with TABLE_NAME and REVIEW_QUEUE_URL. */
export interface IntakePath {
  rawBucket: string;
  tableName: string;
  intakeQueue: QueueSpec;
  intakeDlq?: QueueSpec;
  reviewQueue: QueueSpec;
  reviewDlq?: QueueSpec;
  ingestFunction: FunctionSpec;
}

export function findIntakePath(model: LocalModel): IntakePath | undefined {
  const queueByArn = (arn?: string) => model.queues.find((q) => q.arn === arn);
  for (const n of model.notifications) {
    const intakeQueue = n.target === 'queue' ? queueByArn(n.targetArn) : undefined;
    if (!intakeQueue) continue;
    for (const m of model.eventSourceMappings.filter((e) => e.queueArn === intakeQueue.arn)) {
      const fn = findFunction(model.functions, m.functionName);
      const tableName = fn?.environment.TABLE_NAME;
      const reviewQueue = model.queues.find((q) => q.url === fn?.environment.REVIEW_QUEUE_URL);
      if (!fn || !tableName || !reviewQueue) continue;
      const intakeDlq = queueByArn(intakeQueue.deadLetterArn);
      const reviewDlq = queueByArn(reviewQueue.deadLetterArn);
      return {
        rawBucket: n.bucket,
        tableName,
        intakeQueue,
        ...(intakeDlq ? { intakeDlq } : {}),
        reviewQueue,
        ...(reviewDlq ? { reviewDlq } : {}),
        ingestFunction: fn,
      };
    }
  }
  return undefined;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

export class LocalStack {
  private stopped = false;
  readonly startedAt = new Date().toISOString();

  private constructor(
    readonly model: LocalModel,
    readonly region: string,
    private readonly fauxqs: Fauxqs,
    private readonly dynalite: Dynalite,
    readonly clients: LocalClients,
    readonly runner: LambdaRunner,
    readonly poller: EventSourcePoller,
    readonly dispatcher: NotificationDispatcher,
    readonly intake: IntakePath | undefined,
  ) {}

  get endpoints() {
    return { s3: this.fauxqs.endpoint, sqs: this.fauxqs.endpoint, dynamodb: this.dynalite.endpoint };
  }

  /** The environment that points an AWS SDK at this stack. */
  get env(): Record<string, string> {
    return emulatorEnv({
      region: this.region,
      s3Endpoint: this.fauxqs.endpoint,
      sqsEndpoint: this.fauxqs.endpoint,
      dynamodbEndpoint: this.dynalite.endpoint,
    });
  }

  static async start(options: LocalStackOptions): Promise<LocalStack> {
    const progress = options.progress ?? (() => {});
    const warn = options.warn ?? progress;
    const assembly = await readCloudAssembly(options.assemblyDir, options.stage);
    const region = options.region ?? assembly.find((s) => s.region)?.region ?? 'us-east-1';

    let dispatcher: NotificationDispatcher | undefined;
    const started: { close(): Promise<void> }[] = [];
    const cleanup = async () => {
      for (const s of started.reverse()) await s.close().catch(() => undefined);
    };
    try {
      const fauxqs = await startFauxqs({
        port: options.fauxqsPort,
        region,
        onObjectCreated: (e) => dispatcher?.onObjectCreated(e),
      });
      started.push(fauxqs);
      const dynalite = await startDynalite({ port: options.dynamodbPort, path: options.persistDir });
      started.push(dynalite);
      progress(
        `Emulators on ${fauxqs.endpoint} (S3 + SQS, fauxqs) and ${dynalite.endpoint} (DynamoDB, dynalite${options.persistDir ? `, data in ${options.persistDir}` : ', in memory'})`,
      );

      const model = buildModel(assembly, {
        region,
        accountId: LOCAL_ACCOUNT_ID,
        queueUrl: (name) => `${fauxqs.endpoint}/${LOCAL_ACCOUNT_ID}/${name}`,
      });
      for (const w of model.warnings) warn(`warning: ${w}`);
      const info = {
        region,
        s3Endpoint: fauxqs.endpoint,
        sqsEndpoint: fauxqs.endpoint,
        dynamodbEndpoint: dynalite.endpoint,
      };
      const clients = localClients(info);
      started.push({ close: async () => clients.destroy() });
      await provision(model, clients, warn);
      const seeded = await seedWatchlist(model, clients);
      if (seeded.length > 0)
        progress(`Sample denied-party list (config/watchlists/sample-csl.csv) put at ${seeded.join(', ')}`);
      const skipped = Object.values(model.skipped).reduce((a, b) => a + b, 0);
      progress(
        `Provisioned from ${model.stacks.join(', ')}: ${model.buckets.length} bucket(s), ${model.queues.length} queue(s), ${model.tables.length} table(s), ` +
          `${model.functions.length} function(s), ${model.notifications.length} notification(s), ${model.eventSourceMappings.length} event source mapping(s), ${model.bucketDeployments.length} bucket deployment(s); ` +
          `${skipped} resource(s) with no local meaning skipped (IAM, KMS, policies, log groups, custom-resource providers…)`,
      );

      const runner = new LambdaRunner(model.functions, {
        // Local-only settings: review document links are signed by the local server (S3
        // presigned URLs would point at the emulator), with a secret per run.
        baseEnv: {
          ...emulatorEnv(info),
          DOCUMENT_LINKS: 'local',
          DOCUMENT_LINK_SECRET: randomBytes(24).toString('hex'),
        },
        ...(options.logDir ? { logDir: options.logDir } : {}),
        ...(options.onLogLine ? { onLogLine: options.onLogLine } : {}),
      });
      started.push(runner);

      const queueByArn = new Map(model.queues.map((q) => [q.arn, q]));
      dispatcher = new NotificationDispatcher(
        region,
        model.notifications,
        async (n, body) => {
          if (n.target === 'function') {
            // S3 invokes functions asynchronously: fire and forget, errors only logged.
            runner
              .invoke(n.targetArn, body)
              .catch((e: unknown) =>
                warn(`S3 → ${n.targetArn}: ${e instanceof Error ? e.message : String(e)}`),
              );
            return;
          }
          const queue = queueByArn.get(n.targetArn);
          if (!queue)
            throw new Error(`bucket ${n.bucket} notifies ${n.targetArn}, which is not a queue of this stage`);
          await clients.sqs.send(
            new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(body) }),
          );
        },
        (e) => warn(`S3 notification not delivered: ${e.message}`),
      );
      await dispatcher.sendTestEvents();

      const mappings = model.eventSourceMappings.flatMap((mapping) => {
        const queue = queueByArn.get(mapping.queueArn);
        const fn = findFunction(model.functions, mapping.functionName);
        if (!queue || !fn) {
          warn(
            `warning: event source mapping ${mapping.id} skipped (${!queue ? `queue ${mapping.queueArn}` : `function ${mapping.functionName}`} is not part of this stage)`,
          );
          return [];
        }
        return [{ mapping, queue, functionName: fn.id }];
      });
      // Start the mapped functions now, so a bundle that fails to load shows at once.
      for (const m of mappings) {
        const initError = await runner.warm(m.functionName);
        if (initError)
          warn(
            `warning: function ${m.functionName} failed to initialize (${initError}); its invocations will fail`,
          );
      }
      const poller = new EventSourcePoller(mappings, runner, clients.sqs, {
        region,
        waitTimeSeconds: options.pollWaitSeconds ?? 20,
        ...(options.onBatch ? { onBatch: options.onBatch } : {}),
        onError: (e, m) => warn(`poller ${m.logicalId}: ${e.message}`),
      });
      poller.start();
      return new LocalStack(
        model,
        region,
        fauxqs,
        dynalite,
        clients,
        runner,
        poller,
        dispatcher,
        findIntakePath(model),
      );
    } catch (error) {
      await cleanup();
      throw error;
    }
  }

  /** Invokes a function by logical id, construct id, name or ARN, like Lambda's RequestResponse Invoke. */
  invoke(fn: string, event: unknown): Promise<unknown> {
    return this.runner.invoke(fn, event);
  }

  /** A queue by logical id, name, URL or ARN. */
  queue(ref: string): QueueSpec {
    const exact = this.model.queues.find(
      (x) =>
        x.logicalId === ref ||
        x.name === ref ||
        x.url === ref ||
        x.arn === ref ||
        x.id === ref ||
        displayPath(x) === ref,
    );
    if (exact) return exact;
    const byConstruct = this.model.queues.filter((x) => constructId(x) === ref);
    if (byConstruct.length !== 1)
      throw new Error(
        `no ${byConstruct.length > 1 ? 'unique ' : ''}local queue "${ref}" (known: ${this.model.queues.map((x) => x.name).join(', ')})`,
      );
    return byConstruct[0]!;
  }

  async queueDepth(ref: string): Promise<QueueDepth> {
    const { Attributes: a = {} } = await this.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queue(ref).url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  /** True when nothing is on its way: no notification being delivered, no batch or invocation running, every mapped queue empty. */
  async idle(): Promise<boolean> {
    if (this.dispatcher.inFlight > 0 || this.poller.inFlight > 0 || this.runner.inFlight > 0) return false;
    const mapped = [
      ...new Set(this.model.eventSourceMappings.filter((m) => m.enabled).map((m) => m.queueArn)),
    ];
    for (const arn of mapped) {
      if (!this.model.queues.some((q) => q.arn === arn)) continue;
      const d = await this.queueDepth(arn);
      if (d.visible + d.inFlight + d.delayed > 0) return false;
    }
    return true;
  }

  /** Waits until the stack is idle twice in a row (so a message between receive and invoke is not missed). */
  async waitForIdle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2) {
      if (Date.now() > deadline)
        throw new Error(`the local stack was still busy after ${Math.round(timeoutMs / 1000)} s`);
      quiet = (await this.idle()) ? quiet + 1 : 0;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** What `.local/stack.json` holds: needs the intake path (bucket, table, queues) in the template. */
  stackInfo(): StackInfo {
    if (!this.intake)
      throw new Error('the template has no S3 → SQS → function path with TABLE_NAME and REVIEW_QUEUE_URL');
    return {
      region: this.region,
      s3Endpoint: this.fauxqs.endpoint,
      sqsEndpoint: this.fauxqs.endpoint,
      dynamodbEndpoint: this.dynalite.endpoint,
      rawBucket: this.intake.rawBucket,
      tableName: this.intake.tableName,
      intakeQueueUrl: this.intake.intakeQueue.url,
      reviewQueueUrl: this.intake.reviewQueue.url,
      pid: process.pid,
      startedAt: this.startedAt,
    };
  }

  /** Stops everything: pollers, workers (in-flight invocations are cut short), clients, emulators. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const polling = this.poller.stop();
    await this.runner.close();
    await polling;
    this.clients.destroy();
    await this.fauxqs.close();
    await this.dynalite.close();
  }
}

export const startLocalStack = (options: LocalStackOptions) => LocalStack.start(options);
