import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type {
  ConsignmentReads,
  DocumentRef,
  EventPublisher,
  RelatedConsignment,
  ReviewStore,
  ReviewSummary,
} from '../review/ports.js';
import type { AuditEntry, InstructionEvent, ReviewItem, ReviewStatus } from '../review/types.js';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../review/events.js';
import { keys, partyKey } from '../store/keys.js';
import type { StoredConsignment } from '../store/types.js';
import { backoff, MAX_BATCH_ATTEMPTS } from './retry.js';

/**
 * Review-state attributes a transition may set or remove. Of the seed attributes only the
 * screening ones (SCREENING) are written back, as the transition has them: a re-screen changes
 * them, every other transition carries them over unchanged. ref, documentId, carrierId and
 * createdAt are never rewritten.
 */
const MUTABLE = [
  'claimedBy',
  'claimedAt',
  'leaseUntil',
  'decision',
  'decidedBy',
  'decidedAt',
  'note',
  'previousDecision',
  'outbox',
] as const;

/** Written on every save (never absent on an item): a re-screen updates them (see workflow.rescreen). */
const SCREENING = ['categories', 'riskScore', 'ruleSetVersion'] as const;

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'];

function strip<T>(item: Record<string, unknown>, extra: string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item))
    if (!KEY_ATTRIBUTES.includes(k) && !extra.includes(k)) out[k] = v;
  return out as T;
}

function toItem(raw: Record<string, unknown>): ReviewItem {
  const { consignmentId, ...rest } = strip<Record<string, unknown>>(raw, ['queued', 'type']);
  return { ...rest, id: consignmentId as string } as ReviewItem;
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === 'ConditionalCheckFailedException'
  );
}

/**
 * Review items, audit trail and the reads of the show view, in the single table. Every review
 * write is conditional on the version the caller read; audit entries are put-if-absent.
 */
export class DynamoReviewStore implements ReviewStore, ConsignmentReads {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Index items a byStatus call reads at most (see MAX_READ_PER_LIST). */
    private readonly maxReadPerList = MAX_READ_PER_LIST,
  ) {}

  async get(id: string): Promise<ReviewItem | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.review(id), ConsistentRead: true }),
    );
    return out.Item ? toItem(out.Item) : undefined;
  }

  async save(next: ReviewItem, expectedVersion: number): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status', '#version': 'version' };
    const values: Record<string, unknown> = {
      ':status': next.status,
      ':version': next.version,
      ':expected': expectedVersion,
      ...Object.fromEntries(
        Object.entries(keys.reviewIndex(next.status, next.riskScore, next.createdAt, next.id)).map(
          ([k, v]) => [`:${k}`, v],
        ),
      ),
    };
    const set = ['#status = :status', '#version = :version', 'gsi1pk = :gsi1pk', 'gsi1sk = :gsi1sk'];
    const remove: string[] = [];
    for (const field of SCREENING) {
      names[`#${field}`] = field;
      set.push(`#${field} = :${field}`);
      values[`:${field}`] = next[field];
    }
    for (const field of MUTABLE) {
      names[`#${field}`] = field;
      if (next[field] === undefined) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = next[field];
      }
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.review(next.id),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          // The race is decided here: only a writer that read the current version succeeds.
          ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async appendAudit(id: string, entries: AuditEntry[]): Promise<void> {
    for (const [n, entry] of entries.entries()) {
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.audit(id, entry.version, n), type: 'AUDIT', ...entry },
            // Append-only: an entry that is already there is never overwritten.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }

  async clearOutbox(id: string, version: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.review(id),
          UpdateExpression: 'REMOVE outbox',
          ConditionExpression: '#version = :v AND attribute_exists(outbox)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':v': version },
        }),
      );
    } catch (error) {
      // A newer transition already replaced it (after flushing it): nothing to do.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async audit(id: string, latest?: number): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    // Newest first when only the latest are wanted (sort keys hold the padded version).
    for await (const raw of this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.review(id).pk, ':prefix': 'AUDIT#' },
      ConsistentRead: true,
      ...(latest !== undefined ? { ScanIndexForward: false, Limit: latest } : {}),
    })) {
      entries.push(strip<AuditEntry>(raw, ['type']));
      if (latest !== undefined && entries.length >= latest) break;
    }
    return latest !== undefined ? entries.reverse() : entries;
  }

  async byStatus(status: ReviewStatus, options: { category?: string; limit: number }): Promise<ReviewItem[]> {
    const items: ReviewItem[] = [];
    // A category filter reads past the items of other categories: a rare one (or one that is not
    // there) would otherwise read the whole status, and DECIDED only grows.
    for await (const raw of this.query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': `REVIEW#${status}`,
          ...(options.category ? { ':cat': options.category } : {}),
        },
        ...(options.category ? { FilterExpression: 'contains(categories, :cat)' } : {}),
        Limit: Math.min(options.category ? 200 : options.limit, 1000, this.maxReadPerList),
      },
      this.maxReadPerList,
    )) {
      items.push(toItem(raw));
      if (items.length >= options.limit) break;
    }
    return items;
  }

  async *summaries(status: ReviewStatus): AsyncIterable<ReviewSummary> {
    for await (const raw of this.query({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `REVIEW#${status}` },
      ProjectionExpression: 'consignmentId, #s, createdAt, categories, leaseUntil, claimedBy',
      ExpressionAttributeNames: { '#s': 'status' },
    }))
      yield toItem(raw);
  }

  async count(status: ReviewStatus): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `REVIEW#${status}` },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  }

  async many(ids: string[]): Promise<ReviewItem[]> {
    const found: ReviewItem[] = [];
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let pending: Record<string, unknown>[] = unique.slice(i, i + 100).map((id) => keys.review(id));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_BATCH_ATTEMPTS)
          throw new Error(`DynamoDB left ${pending.length} reads unprocessed`);
        if (attempt > 0) await backoff(attempt);
        const out = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }),
        );
        for (const raw of out.Responses?.[this.tableName] ?? []) found.push(toItem(raw));
        pending = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
  }

  // --- reads for the show view -----------------------------------------------------------------

  async consignment(id: string): Promise<StoredConsignment | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.consignment(id) }));
    return out.Item ? strip<StoredConsignment>(out.Item) : undefined;
  }

  async document(documentId: string): Promise<DocumentRef | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.document(documentId) }),
    );
    if (!out.Item) return undefined;
    const { bucket, key, fileName } = out.Item as Record<string, string>;
    if (!bucket || !key) return undefined;
    return { documentId, bucket, key, fileName: fileName ?? key.split('/').pop() ?? documentId };
  }

  async related(c: StoredConsignment, limit: number): Promise<RelatedConsignment[]> {
    const lookups: { index: string; pk: string; relation: RelatedConsignment['relation'] }[] = [];
    if (c.awb) lookups.push({ index: 'gsi2', pk: `AWB#${c.awb}`, relation: 'same-master-awb' });
    if (c.consignee?.name)
      lookups.push({ index: 'gsi3', pk: `CNEE#${partyKey(c.consignee.name)}`, relation: 'same-consignee' });
    const seen = new Set([c.id]);
    const related: RelatedConsignment[] = [];
    for (const lookup of lookups) {
      let n = 0;
      for await (const raw of this.query({
        IndexName: lookup.index,
        KeyConditionExpression: `${lookup.index}pk = :pk`,
        ExpressionAttributeValues: { ':pk': lookup.pk },
        ProjectionExpression: '#id, awb, hawb, parcelId, riskScore',
        ExpressionAttributeNames: { '#id': 'id' },
        Limit: limit + 1,
      })) {
        const r = raw as Omit<RelatedConsignment, 'relation'>;
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        related.push({
          id: r.id,
          awb: r.awb ?? null,
          hawb: r.hawb ?? null,
          parcelId: r.parcelId ?? null,
          riskScore: r.riskScore ?? 0,
          relation: lookup.relation,
        });
        if (++n >= limit) break;
      }
    }
    return related;
  }

  /** Every page of a query; with `maxRead`, no further page once that many items were read (before any filter). */
  private async *query(
    input: Omit<QueryCommandInput, 'TableName'>,
    maxRead = Infinity,
  ): AsyncIterable<Record<string, unknown>> {
    let start: Record<string, unknown> | undefined;
    let read = 0;
    do {
      const out = await this.db.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }),
      );
      read += out.ScannedCount ?? 0;
      for (const item of out.Items ?? []) yield item;
      start = out.LastEvaluatedKey;
    } while (start && read < maxRead);
  }
}

/** Index items a byStatus call reads at most (in queue order): a category filter looks this far. */
export const MAX_READ_PER_LIST = 5_000;

/**
 * Decision events kept in the table (the local stack has no EventBridge): one item per event id,
 * put-if-absent, so a re-sent event is stored once. Listed newest first by `recent()`.
 */
export class DynamoEventStore implements EventPublisher {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async publish(event: InstructionEvent): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.event(event.eventId),
            gsi1pk: 'EVENTS',
            gsi1sk: `${event.issuedAt}#${event.eventId}`,
            type: 'EVENT',
            source: EVENT_SOURCE,
            detailType: EVENT_DETAIL_TYPE,
            detail: event,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async recent(limit = 50): Promise<InstructionEvent[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'EVENTS' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => i.detail as InstructionEvent);
  }
}
