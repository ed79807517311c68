import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../store/keys.js';
import type { StoredConsignment } from '../store/types.js';
import type { RescreenSource } from '../screening/rescreen.js';

/**
 * Stored consignments for a re-screen, read from the single table by a paginated Scan on
 * `sk = CONS`. Fine for the local stack and modest tables; a large deployment would walk a
 * date-partitioned index or an S3 export instead.
 */
export class DynamoRescreenSource implements RescreenSource {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *consignments(): AsyncIterable<StoredConsignment> {
    let start: Record<string, unknown> | undefined;
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
