import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureSynth } from '../../local/synth.js';
import { LocalStack, type LocalStackOptions } from '../../local/stack.js';
import type { BatchReport } from '../../local/poller.js';
import { FINAL_STATUSES, documentStore, uploadFile, type Uploaded } from '../../local/intake.js';
import type { DocumentRecord } from '../../shared/store/types.js';

/**
 * Starts the whole local stack inside a test: emulators on random ports, resources from the
 * cloud assembly, the real bundled handlers in workers, the event source poller. Without an
 * assemblyDir it uses the project's synthesized assembly (.local/cdk.out; the global setup
 * synthesizes it once per run, this call only re-checks that it is current).
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const FIXTURE_ASSEMBLY = join(ROOT, 'test', 'integration', 'fixtures', 'mini-assembly');

export interface TestStackOptions extends Partial<Omit<LocalStackOptions, 'onBatch'>> {
  /** Names the log folder: .local/logs/test/<name>/. */
  name?: string;
}

export interface TestStack {
  stack: LocalStack;
  /** Every batch the event source poller handled, in order. */
  batches: BatchReport[];
  /** Batches handled for one queue (logical id, name, URL or ARN). */
  batchesFor(queue: string): BatchReport[];
  /** Resolves once `predicate` holds for the batches seen so far (checked after every batch). */
  waitForBatch(predicate: (batches: BatchReport[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Uploads a file as a carrier would (incoming/<carrier>/<documentId>/<file>). */
  upload(file: string, carrierId?: string): Promise<Uploaded>;
  /** Waits for a document's final status (accepted | partial | rejected). */
  waitForDocument(documentId: string, timeoutMs?: number): Promise<DocumentRecord>;
  /** Consignment items of a document, through gsi1 (DOC#<id>). */
  consignments(documentId: string): Promise<Record<string, unknown>[]>;
  /** Receives (and deletes) every message currently in a queue. */
  drain(queue: string): Promise<Message[]>;
  stop(): Promise<void>;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  // The SDK's "Node 22 needed from 2027" notice concerns this machine only.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { name = 'stack', ...rest } = options;
  const assemblyDir = rest.assemblyDir ?? (await ensureSynth({ root: ROOT })).dir;
  const batches: BatchReport[] = [];
  const waiters = new Set<() => void>();
  const stack = await LocalStack.start({
    stage: rest.assemblyDir ? undefined : 'ManifestIntake-dev',
    logDir: join(ROOT, '.local', 'logs', 'test', name),
    pollWaitSeconds: 5,
    ...rest,
    assemblyDir,
    onBatch: (report) => {
      batches.push(report);
      for (const w of [...waiters]) w();
    },
  });

  const intake = () => {
    if (!stack.intake) throw new Error('this assembly has no intake path');
    return stack.intake;
  };

  return {
    stack,
    batches,
    batchesFor: (queue) => {
      const arn = stack.queue(queue).arn;
      return batches.filter((b) => b.mapping.queueArn === arn);
    },
    waitForBatch: (predicate, timeoutMs = 20_000) =>
      new Promise<void>((resolvePromise, reject) => {
        const check = () => {
          if (!predicate(batches)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolvePromise();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching batch within ${timeoutMs} ms (${batches.length} batches seen)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    upload: (file, carrierId = 'TEST') => uploadFile(stack, file, carrierId),
    waitForDocument: async (documentId, timeoutMs = 20_000) => {
      const store = documentStore(stack);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const doc = await store.getDocument(documentId);
        if (doc && FINAL_STATUSES.has(doc.status)) return doc;
        if (Date.now() > deadline)
          throw new Error(
            `document ${documentId} has no final status after ${timeoutMs} ms (${doc?.status ?? 'not seen'})`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    consignments: async (documentId) => {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await stack.clients.doc.send(
          new QueryCommand({
            TableName: intake().tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': `DOC#${documentId}` },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    },
    drain: async (queue) => {
      const url = stack.queue(queue).url;
      const all: Message[] = [];
      for (;;) {
        const out = await stack.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0) return all;
        all.push(...messages);
        await stack.clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    },
    stop: () => stack.stop(),
  };
}
