import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AggregateStore } from '../screening/aggregates.js';

/** Aggregate counters live in the single table: pk `AGG#{key}`, sk `WIN#{window start}`. */
export const aggregateKey = (key: string, window: string) => ({ pk: `AGG#${key}`, sk: `WIN#${window}` });

/**
 * Counters for the screening aggregates (splitting). One atomic UpdateItem per key and batch:
 * `ADD` the count, remember the batch token in a string set, and refuse (condition) a token
 * already counted, so a re-delivered batch is not counted twice. No transactions: it runs
 * on dynalite too. `expiresAt` (epoch seconds) is the table's TTL attribute when it has one.
 */
export class DynamoAggregateStore implements AggregateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async increment(
    key: string,
    window: string,
    n: number,
    options: { token?: string; expiresAt?: Date } = {},
  ): Promise<number> {
    const Key = aggregateKey(key, window);
    const names: Record<string, string> = { '#n': 'count' };
    const values: Record<string, unknown> = { ':n': n };
    const set: string[] = [];
    let add = '#n :n';
    let condition: string | undefined;
    if (options.expiresAt) {
      set.push('expiresAt = :exp');
      values[':exp'] = Math.floor(options.expiresAt.getTime() / 1000);
    }
    if (options.token !== undefined) {
      add += ', tokens :tokSet';
      values[':tokSet'] = new Set([options.token]);
      values[':tok'] = options.token;
      condition = 'attribute_not_exists(tokens) OR NOT contains(tokens, :tok)';
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: `${set.length > 0 ? `SET ${set.join(', ')} ` : ''}ADD ${add}`,
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.count ?? n);
    } catch (error) {
      if (options.token !== undefined && isItemTooLarge(error)) {
        // The counter has remembered so many batches (a consignee in thousands of documents of
        // one window) that its item is full: count on without remembering this one. A
        // re-delivered batch may then count twice, which can only flag more, never less.
        const { token: _remembered, ...rest } = options;
        return this.increment(key, window, n, rest);
      }
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // This batch was counted before (a re-delivery): report the total as it stands.
      const got = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
      );
      return Number(got.Item?.count ?? 0);
    }
  }
}

/** DynamoDB's refusal of an update that would take an item past 400 KB. */
function isItemTooLarge(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /item size .*exceeded the maximum allowed size/i.test(error.message)
  );
}
