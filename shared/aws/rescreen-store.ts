import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../store/keys.js';
import type { StoredConsignment } from '../store/types.js';
import type { RescreenSource } from '../screening/rescreen.js';

/**
 * Stored consignments for a re-screen, read from the single table by a paginated Scan on
 * `sk = CONS`, resumable after any consignment (the re-screen function goes on across
 * invocations). A Scan reads every item of the table, review and audit items too: for a very
 * large table a parallel Scan, or an index of consignments only, would be faster.
 */
export class DynamoRescreenSource implements RescreenSource {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *consignments(after?: string): AsyncIterable<StoredConsignment> {
    // A Scan resumes after any item's key, so a stopped run resumes after its last consignment.
    let start: Record<string, unknown> | undefined = after ? keys.consignment(after) : undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :cons',
          ExpressionAttributeValues: { ':cons': 'CONS' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const {
          pk: _pk,
          sk: _sk,
          gsi1pk: _a,
          gsi1sk: _b,
          gsi2pk: _c,
          gsi2sk: _d,
          gsi3pk: _e,
          gsi3sk: _f,
          ...rest
        } = item;
        yield rest as StoredConsignment;
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }

  async updateScreening(
    id: string,
    result: Parameters<RescreenSource['updateScreening']>[1],
    at: Date,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.consignment(id),
        UpdateExpression: `SET flags = :flags, riskScore = :score, review = :review, ruleSetVersion = :version, rescreenedAt = :at${
          result.watchlistVersion ? ', watchlistVersion = :wl' : ''
        }`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':flags': result.flags,
          ':score': result.riskScore,
          ':review': result.review,
          ':version': result.ruleSetVersion,
          ':at': at.toISOString(),
          ...(result.watchlistVersion ? { ':wl': result.watchlistVersion } : {}),
        },
      }),
    );
  }
}
