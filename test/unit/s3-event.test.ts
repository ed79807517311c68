import { describe, expect, it } from 'vitest';
import { s3RecordsOf } from '../../shared/aws/s3-event.js';
import { decodeEventKey, objectKey, parseObjectKey } from '../../shared/intake/object-key.js';

const event = (key: string, eventName = 'ObjectCreated:Put') =>
  JSON.stringify({
    Records: [
      { eventName, s3: { bucket: { name: 'raw' }, object: { key, size: 10, eTag: 'abc', sequencer: '01' } } },
    ],
  });

describe('S3 events from the intake queue', () => {
  it('skips the s3:TestEvent sent when notifications are configured', () => {
    expect(
      s3RecordsOf(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'raw' })),
    ).toEqual([]);
  });

  it('reads ObjectCreated records and ignores other events', () => {
    expect(s3RecordsOf(event('incoming/DEMO/D1/a.csv'))).toHaveLength(1);
    expect(s3RecordsOf(event('incoming/DEMO/D1/a.csv', 'ObjectRemoved:Delete'))).toHaveLength(0);
  });

  it('refuses a body that is not an S3 event', () => {
    expect(() => s3RecordsOf('{"hello":1}')).toThrow();
    expect(() => s3RecordsOf('not json')).toThrow();
  });

  it('decodes URL-encoded keys with + for spaces and parses the upload path', () => {
    const key = decodeEventKey('incoming/DEMO/D1/my+manifest+%C3%A9t%C3%A9.csv');
    expect(key).toBe('incoming/DEMO/D1/my manifest été.csv');
    expect(parseObjectKey(key)).toEqual({
      carrierId: 'DEMO',
      documentId: 'D1',
      fileName: 'my manifest été.csv',
    });
  });

  it('refuses keys outside incoming/{carrier}/{document}/ and unsafe ids', () => {
    expect(parseObjectKey('ack/DEMO/D1.json')).toBeUndefined();
    expect(parseObjectKey('incoming/DEMO/file.csv')).toBeUndefined();
    expect(parseObjectKey('incoming/../D1/file.csv')).toBeUndefined();
    expect(() => objectKey('bad carrier', 'D1', 'f.csv')).toThrow(/carrier id/);
    expect(objectKey('DEMO', 'D1', '/tmp/x/../f.csv')).toBe('incoming/DEMO/D1/f.csv');
  });
});
