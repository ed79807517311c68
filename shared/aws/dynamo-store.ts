import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DocumentSummary } from '../intake/process.js';
import { keys, partyKey } from '../store/keys.js';
import type {
  BeginResult,
  DocumentObject,
  DocumentRecord,
  IntakeStore,
  ReviewSeed,
  StoredConsignment,
} from '../store/types.js';
import { backoff, MAX_BATCH_ATTEMPTS } from './retry.js';

const FINAL = new Set(['accepted', 'partial', 'rejected']);
/** BatchWriteItem requests a putConsignments call keeps in flight (the SDK's agent pools 50 sockets). */
const WRITES_IN_FLIGHT = 8;

export class DynamoIntakeStore implements IntakeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async beginDocument(doc: DocumentObject, now: Date, leaseMs: number): Promise<BeginResult> {
    const at = now.toISOString();
    try {
      // Start when new, when the object changed (new etag), or when a crashed worker's lease ran out.
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.document(doc.documentId),
            gsi1pk: `CARRIER#${doc.carrierId}`,
            gsi1sk: `DOC#${at}`,
            ...doc,
            status: 'PROCESSING',
            format: 'unknown',
            counts: { received: 0, accepted: 0, rejected: 0, duplicate: 0 },
            errors: [],
            errorsOmitted: 0,
            warnings: [],
            flagged: 0,
            receivedAt: at,
            leaseUntil: now.getTime() + leaseMs,
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR etag <> :etag OR (#s = :processing AND leaseUntil < :now) OR #s = :received',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':etag': doc.etag,
            ':processing': 'PROCESSING',
            ':received': 'RECEIVED',
            ':now': now.getTime(),
          },
        }),
      );
      return 'started';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getDocument(doc.documentId);
      return existing && FINAL.has(existing.status) ? 'already-processed' : 'in-progress';
    }
  }

  /**
   * Writes in requests of 25 (BatchWriteItem's bound), WRITES_IN_FLIGHT at a time: one after the
   * other, a million-parcel manifest would wait on ~31,000 round trips in a row.
   */
  async putConsignments(items: StoredConsignment[]): Promise<void> {
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) {
      const requests = items.slice(i, i + 25).map((c) => ({
        PutRequest: {
          Item: {
            ...keys.consignment(c.id),
            gsi1pk: `DOC#${c.documentId}`,
            gsi1sk: `LINE#${String(c.source.line).padStart(9, '0')}`,
            ...(c.awb ? { gsi2pk: `AWB#${c.awb}`, gsi2sk: `CONS#${c.id}` } : {}),
            ...(c.consignee?.name
              ? { gsi3pk: `CNEE#${partyKey(c.consignee.name)}`, gsi3sk: `CONS#${c.id}` }
              : {}),
            ...c,
          },
        },
      }));
      chunks.push(requests);
    }
    let next = 0;
    const writer = async () => {
      while (next < chunks.length) await this.batchWrite(chunks[next++]!);
    };
    // Every writer runs to its end before an error is thrown: none is left running unobserved.
    const settled = await Promise.allSettled(
      Array.from({ length: Math.min(WRITES_IN_FLIGHT, chunks.length) }, writer),
    );
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async batchWrite(requests: Record<string, unknown>[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_BATCH_ATTEMPTS)
        throw new Error(`DynamoDB left ${pending.length} writes unprocessed after ${attempt} attempts`);
      if (attempt > 0) await backoff(attempt);
      const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = (out.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
    }
  }

  async createReviewItems(items: ReviewSeed[], now: Date): Promise<ReviewSeed[]> {
    const at = now.toISOString();
    const created = await Promise.all(
      items.map(async (seed) => {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...keys.review(seed.consignmentId),
                ...keys.reviewIndex('PENDING', seed.riskScore, at, seed.consignmentId),
                ...seed,
                status: 'PENDING',
                queued: false,
                createdAt: at,
                version: 0,
              },
              // A second delivery must not reset a claimed or decided item: once a reviewer touched it
              // (version > 0) it stays, even when it was never marked queued.
              ConditionExpression: 'attribute_not_exists(pk) OR (queued = :false AND version = :zero)',
              ExpressionAttributeValues: { ':false': false, ':zero': 0 },
            }),
          );
          return seed;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return undefined;
          throw error;
        }
      }),
    );
    return created.filter((s): s is ReviewSeed => s !== undefined);
  }

  async markQueued(consignmentIds: string[]): Promise<void> {
    await Promise.all(
      consignmentIds.map((id) =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.review(id),
            UpdateExpression: 'SET queued = :true',
            ExpressionAttributeValues: { ':true': true },
          }),
        ),
      ),
    );
  }

  async completeDocument(
    documentId: string,
    summary: DocumentSummary & { flagged: number },
    now: Date,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.document(documentId),
        UpdateExpression:
          'SET #s = :status, #f = :format, counts = :counts, errors = :errors, errorsOmitted = :eo, warnings = :warnings, flagged = :flagged, processedAt = :at REMOVE leaseUntil',
        ExpressionAttributeNames: { '#s': 'status', '#f': 'format' },
        ExpressionAttributeValues: {
          ':status': summary.status,
          ':format': summary.format,
          ':counts': summary.counts,
          // Bounded: a DynamoDB item holds 400 KB; the full list stays in the acknowledgement object.
          ':errors': summary.errors.slice(0, 200),
          ':eo': summary.errorsOmitted + Math.max(0, summary.errors.length - 200),
          ':warnings': summary.warnings.slice(0, 100),
          ':flagged': summary.flagged,
          ':at': now.toISOString(),
        },
      }),
    );
  }

  async getDocument(documentId: string): Promise<DocumentRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.document(documentId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, leaseUntil: _l, ...rest } = out.Item;
    return rest as DocumentRecord;
  }
}
