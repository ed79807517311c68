import { z } from 'zod';

/**
 * The body of a message S3 sent to a queue (the intake queue, the re-screen queue): an S3 event
 * notification. The first message after notifications are configured is an s3:TestEvent with no
 * Records; it is acknowledged and skipped.
 */
const S3RecordSchema = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().nonnegative().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});

const RecordsBody = z.object({ Records: z.array(S3RecordSchema) });
const TestEventBody = z.object({ Event: z.literal('s3:TestEvent') });

export type S3EventRecord = z.infer<typeof S3RecordSchema>;

export function s3RecordsOf(body: string): S3EventRecord[] {
  const json: unknown = JSON.parse(body);
  if (TestEventBody.safeParse(json).success) return [];
  return RecordsBody.parse(json).Records.filter((r) => r.eventName.startsWith('ObjectCreated'));
}
