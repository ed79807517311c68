import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../shared/aws/eventbridge-events.js';
import { PresignedDocumentLinks } from '../../shared/aws/s3-document-links.js';
import type { InstructionEvent } from '../../shared/review/types.js';

/** The cloud-only adapters: there is no EventBridge emulator, so the bus is mocked (incl. its partial failure). */

const event: InstructionEvent = {
  eventId: 'c1:v2',
  instruction: 'HOLD',
  state: 'ISSUED',
  issuedAt: '2025-03-01T10:00:00.000Z',
  consignment: {
    id: 'c1',
    documentId: 'd1',
    carrierId: 'DEMO',
    ref: 'P1',
    awb: null,
    hawb: null,
    parcelId: 'P1',
  },
  message: 'Hold in place: do not load until further notice.',
};

describe('EventBridgePublisher', () => {
  const eb = mockClient(EventBridgeClient);
  afterEach(() => eb.reset());

  it('puts one entry on the bus with the review source and detail type', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    await new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'review-bus').publish(
      event,
    );
    const input = eb.commandCalls(PutEventsCommand)[0]?.args[0].input;
    expect(input?.Entries?.[0]).toMatchObject({
      EventBusName: 'review-bus',
      Source: 'manifest-intake.review',
      DetailType: 'Consignment Instruction',
    });
    expect(JSON.parse(input?.Entries?.[0]?.Detail ?? '{}')).toEqual(event);
  });

  it('fails when the bus refuses the entry (PutEvents answers 200 with FailedEntryCount)', async () => {
    eb.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try later' }],
    });
    await expect(
      new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'b').publish(event),
    ).rejects.toThrow('InternalFailure');
  });
});

describe('PresignedDocumentLinks', () => {
  it('presigns a short-lived GET that downloads under a safe file name', async () => {
    const s3 = new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const url = new URL(
      await new PresignedDocumentLinks(s3).downloadUrl({
        documentId: 'd1',
        bucket: 'raw',
        key: 'incoming/DEMO/d1/my file".csv',
        fileName: 'my file".csv',
      }),
    );
    expect(url.hostname).toBe('raw.s3.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('response-content-disposition')).toBe('attachment; filename="my_file_.csv"');
  });
});
