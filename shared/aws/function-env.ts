import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventPublisher } from '../review/ports.js';
import { DynamoEventStore } from './dynamo-review-store.js';
import { eventBridgeClient, EventBridgePublisher } from './eventbridge-events.js';

/** A variable the function cannot run without: a clear error at cold start, not a later failure. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The function runs on the local emulators (`npm start`, tests), not in AWS. */
export const onEmulator = (): boolean =>
  Boolean(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL);

/**
 * Where review events go: the EventBridge bus named by EVENT_BUS_NAME; without one, or on the
 * emulators without an EventBridge endpoint, the table (the local stack's event store).
 * `trace` wraps the client (Powertools Tracer's captureAWSv3Client).
 */
export function reviewEventSink(
  db: DynamoDBDocumentClient,
  table: string,
  trace: (client: EventBridgeClient) => EventBridgeClient = (c) => c,
): EventPublisher {
  const bus = process.env.EVENT_BUS_NAME;
  const useBus = bus && !(onEmulator() && !process.env.AWS_ENDPOINT_URL_EVENTBRIDGE);
  return useBus ? new EventBridgePublisher(trace(eventBridgeClient()), bus) : new DynamoEventStore(db, table);
}
