import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LambdaRunner } from './lambda-runner.js';
import type { EventSourceMappingSpec, QueueSpec } from './template-model.js';

/**
 * The Lambda event source mapping for SQS, locally: long-polls each mapped queue, hands the
 * function real-shaped SQS events, deletes what succeeded and leaves the rest to come back after
 * the visibility timeout. After maxReceiveCount receives the SQS emulator itself moves a message
 * to the dead-letter queue (fauxqs implements the redrive policy on receive, as SQS does).
 */

export interface BatchReport {
  mapping: EventSourceMappingSpec;
  functionName: string;
  records: SQSRecord[];
  /** ok: all deleted; partial: batchItemFailures kept some; error: the function failed, none deleted. */
  outcome: 'ok' | 'partial' | 'error';
  failedMessageIds: string[];
  result?: unknown;
  error?: Error;
}

export interface PollerOptions {
  region: string;
  /** Long-poll wait per ReceiveMessage (s). Lambda uses 20. */
  waitTimeSeconds?: number;
  onBatch?: (report: BatchReport) => void;
  onError?: (error: Error, mapping: EventSourceMappingSpec) => void;
}

function toLambdaAttributes(
  attrs: Record<string, MessageAttributeValue> | undefined,
): SQSRecord['messageAttributes'] {
  const out: SQSRecord['messageAttributes'] = {};
  for (const [name, v] of Object.entries(attrs ?? {})) {
    out[name] = {
      ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
      ...(v.BinaryValue !== undefined ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') } : {}),
      stringListValues: v.StringListValues ?? [],
      binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: v.DataType ?? 'String',
    };
  }
  return out;
}

export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'LOCAL',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
    },
    messageAttributes: toLambdaAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * Which messages failed, per Lambda's rules for ReportBatchItemFailures: none when the result
 * has no batchItemFailures; the whole batch when an entry is malformed or names no message of
 * the batch; otherwise the listed ones. Without ReportBatchItemFailures, a normal return means success.
 */
export function failedIds(result: unknown, records: SQSRecord[], reportBatchItemFailures: boolean): string[] {
  if (!reportBatchItemFailures || result === null || typeof result !== 'object') return [];
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return [];
  const all = records.map((r) => r.messageId);
  if (!Array.isArray(failures)) return all;
  const ids = new Set(all);
  const out: string[] = [];
  for (const f of failures as { itemIdentifier?: unknown }[]) {
    const id = f?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return all;
    out.push(id);
  }
  return [...new Set(out)];
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export class EventSourcePoller {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private busy = 0;

  constructor(
    private readonly mappings: { mapping: EventSourceMappingSpec; queue: QueueSpec; functionName: string }[],
    private readonly runner: LambdaRunner,
    private readonly sqs: SQSClient,
    private readonly options: PollerOptions,
  ) {}

  /** Batches received and not yet settled (invoked, then deleted or left for retry). */
  get inFlight(): number {
    return this.busy;
  }

  start(): void {
    this.loops = this.mappings
      .filter((m) => m.mapping.enabled)
      .map((m) => this.loop(m.mapping, m.queue, m.functionName));
  }

  private async receive(queue: QueueSpec, max: number, wait: number): Promise<Message[]> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: wait,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    return out.Messages ?? [];
  }

  private async loop(mapping: EventSourceMappingSpec, queue: QueueSpec, functionName: string): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        messages = await this.receive(queue, mapping.batchSize, this.options.waitTimeSeconds ?? 20);
      } catch (error) {
        if (signal.aborted) break;
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)), mapping);
        await sleep(1000, signal);
        continue;
      }
      if (messages.length === 0) continue;
      this.busy++;
      try {
        // Fill the batch up to BatchSize (SQS hands out at most 10 per receive), waiting at
        // most MaximumBatchingWindowInSeconds for more.
        const deadline = Date.now() + mapping.maximumBatchingWindowSeconds * 1000;
        while (messages.length < mapping.batchSize && !signal.aborted) {
          const more = await this.receive(queue, mapping.batchSize - messages.length, 0).catch(() => []);
          if (more.length === 0 && Date.now() >= deadline) break;
          if (more.length === 0) await sleep(50, signal);
          messages.push(...more);
        }
        await this.handle(mapping, queue, functionName, messages);
      } finally {
        this.busy--;
      }
    }
  }

  private async handle(
    mapping: EventSourceMappingSpec,
    queue: QueueSpec,
    functionName: string,
    messages: Message[],
  ): Promise<void> {
    const records = messages.map((m) => toSqsRecord(m, queue.arn, this.options.region));
    const event: SQSEvent = { Records: records };
    let report: BatchReport;
    try {
      const result = await this.runner.invoke(functionName, event);
      const failed = failedIds(result, records, mapping.reportBatchItemFailures);
      const done = records.filter((r) => !failed.includes(r.messageId));
      for (let i = 0; i < done.length; i += 10) {
        await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: done.slice(i, i + 10).map((r, n) => ({ Id: String(n), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
      report = {
        mapping,
        functionName,
        records,
        outcome: failed.length === 0 ? 'ok' : 'partial',
        failedMessageIds: failed,
        result,
      };
    } catch (error) {
      // The whole batch failed: every message comes back after the visibility timeout.
      report = {
        mapping,
        functionName,
        records,
        outcome: 'error',
        failedMessageIds: records.map((r) => r.messageId),
        error: error instanceof Error ? error : new Error(String(error)),
      };
    }
    try {
      this.options.onBatch?.(report);
    } catch {
      // A reporting callback must not stop the poller.
    }
  }

  /** Stops receiving; resolves once the batches in flight have settled (terminate the runner to cut them short). */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }
}
