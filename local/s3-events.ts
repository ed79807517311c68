import { randomUUID } from 'node:crypto';
import type { ObjectCreated } from './emulators.js';
import type { NotificationSpec } from './template-model.js';

/**
 * S3 → SQS (and S3 → Lambda) glue: what S3 does after PutBucketNotificationConfiguration and
 * after every object write, in the shapes S3 really sends.
 */

/** S3 event keys are form-encoded: '+' for spaces, '/' kept, everything else percent-escaped. */
export function s3EventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/%20/g, '+')
        .replace(/[!'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

let sequence = 0n;
/** Sequencers only grow within a key, as S3 promises; hex like S3's. */
function nextSequencer(): string {
  sequence += 1n;
  return (BigInt(Date.now()) * 1_000_000n + sequence).toString(16).toUpperCase().padStart(18, '0');
}

export function objectCreatedEvent(
  region: string,
  event: ObjectCreated,
  configurationId: string,
  now = new Date(),
) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: now.toISOString(),
        eventName: event.eventName,
        userIdentity: { principalId: 'AWS:LOCAL' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': event.requestId, 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId,
          bucket: {
            name: event.bucket,
            ownerIdentity: { principalId: 'LOCAL' },
            arn: `arn:aws:s3:::${event.bucket}`,
          },
          object: {
            key: s3EventKey(event.key),
            size: event.size,
            eTag: event.eTag,
            sequencer: nextSequencer(),
          },
        },
      },
    ],
  };
}

/** What S3 sends to a destination when notifications are configured. */
export function testEvent(bucket: string, now = new Date()) {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: now.toISOString(),
    Bucket: bucket,
    RequestId: randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
    HostId: 'local',
  };
}

/** Does a notification configuration cover this event and key (events with '*', prefix/suffix on the decoded key)? */
export function matches(n: NotificationSpec, bucket: string, eventName: string, key: string): boolean {
  if (n.bucket !== bucket) return false;
  const full = `s3:${eventName}`;
  const eventOk = n.events.some((pattern) =>
    pattern.endsWith('*') ? full.startsWith(pattern.slice(0, -1)) : pattern === full,
  );
  return eventOk && key.startsWith(n.prefix ?? '') && key.endsWith(n.suffix ?? '');
}

export type Deliver = (n: NotificationSpec, body: object) => Promise<void>;

/**
 * Delivers notifications in the background and keeps count of what is still on its way, so
 * the demo and the tests can wait until everything has arrived.
 */
export class NotificationDispatcher {
  private pending = 0;
  private readonly failures: Error[] = [];

  constructor(
    private readonly region: string,
    private readonly notifications: NotificationSpec[],
    private readonly deliver: Deliver,
    private readonly onError: (error: Error) => void = () => {},
  ) {}

  get inFlight(): number {
    return this.pending;
  }

  get errors(): readonly Error[] {
    return this.failures;
  }

  /** The s3:TestEvent S3 sends to each destination right after notifications are configured. */
  async sendTestEvents(): Promise<void> {
    const seen = new Set<string>();
    for (const n of this.notifications) {
      const target = `${n.bucket}→${n.targetArn}`;
      if (seen.has(target)) continue;
      seen.add(target);
      await this.deliver(n, testEvent(n.bucket));
    }
  }

  onObjectCreated(event: ObjectCreated): void {
    for (const n of this.notifications) {
      if (!matches(n, event.bucket, event.eventName, event.key)) continue;
      this.pending++;
      this.deliver(n, objectCreatedEvent(this.region, event, n.configurationId))
        .catch((error: unknown) => {
          const e = error instanceof Error ? error : new Error(String(error));
          this.failures.push(e);
          this.onError(e);
        })
        .finally(() => {
          this.pending--;
        });
    }
  }
}
