import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventPublisher } from '../review/ports.js';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../review/events.js';
import type { InstructionEvent } from '../review/types.js';

export function eventBridgeClient(): EventBridgeClient {
  return new EventBridgeClient({});
}

/**
 * Publishes decision events on the review bus: source `manifest-intake.review`, detail-type
 * `Consignment Instruction`, so filers' and partner agencies' rules can match on
 * `detail.instruction` and `detail.consignment.carrierId`.
 */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: InstructionEvent): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: EVENT_DETAIL_TYPE,
            Time: new Date(event.issuedAt),
            Resources: [],
            Detail: JSON.stringify(event),
          },
        ],
      }),
    );
    // PutEvents answers 200 even when an entry was refused: check the entry itself.
    if ((out.FailedEntryCount ?? 0) > 0) {
      const failed = out.Entries?.find((e) => e.ErrorCode);
      throw new Error(
        `EventBridge refused event ${event.eventId}: ${failed?.ErrorCode ?? '?'} ${failed?.ErrorMessage ?? ''}`,
      );
    }
  }
}
