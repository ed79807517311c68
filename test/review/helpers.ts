import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startDynalite, startFauxqs } from '../../local/emulators.js';
import { writeStackInfo, type StackInfo } from '../../local/stack-info.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import type { Consignment } from '../../shared/model/consignment.js';
import type { Flag } from '../../shared/screening/types.js';
import { consignmentId } from '../../shared/store/keys.js';
import type { StoredConsignment } from '../../shared/store/types.js';
import { consignmentRef } from '../../shared/model/consignment.js';

export const REGION = 'us-east-1';
export const TABLE = 'review-test';
export const BUCKET = 'raw-test';

/** Points the SDK (and the handler's clients) at the emulators. */
export function emulatorEnv(dynamodb: string, s3: string): void {
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
    AWS_ENDPOINT_URL_S3: s3,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    TABLE_NAME: TABLE,
    // Quiet, local-only Powertools: no EMF metrics on stdout, warnings only.
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_TRACE_ENABLED: 'false',
  });
  delete process.env.EVENT_BUS_NAME;
}

export interface Emulators {
  dynamodb: string;
  s3: string;
  db: DynamoDBDocumentClient;
  s3Client: S3Client;
  close(): Promise<void>;
}

/** dynalite (DynamoDB) and fauxqs (S3) in this process, on 127.0.0.1, with the table and bucket. */
export async function startEmulators(): Promise<Emulators> {
  // The local stack's emulator starters: 127.0.0.1, free ports, tables ACTIVE at once.
  const dyn = await startDynalite({});
  const dynamodb = dyn.endpoint;
  const fauxqs = await startFauxqs({ region: REGION });
  const s3 = fauxqs.endpoint;
  emulatorEnv(dynamodb, s3);

  const raw = new DynamoDBClient({ endpoint: dynamodb, region: REGION });
  const S = 'S' as const;
  await raw.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'].map(
        (n) => ({ AttributeName: n, AttributeType: S }),
      ),
      GlobalSecondaryIndexes: [1, 2, 3].map((n) => ({
        IndexName: `gsi${n}`,
        KeySchema: [
          { AttributeName: `gsi${n}pk`, KeyType: 'HASH' as const },
          { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
    }),
  );
  const s3Client = new S3Client({
    endpoint: s3,
    region: REGION,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    dynamodb,
    s3,
    db,
    s3Client,
    close: async () => {
      raw.destroy();
      s3Client.destroy();
      await fauxqs.close();
      await dyn.close();
    },
  };
}

const party = (name: string) => ({
  name,
  address: '1 Harbour Road',
  city: 'London',
  postcode: 'E1',
  countryCode: 'GB',
});

/** Writes the stack file the CLI reads (INTAKE_STACK_FILE) for these emulators; `over` adds or replaces fields. */
export async function writeEmulatorStack(
  file: string,
  emu: Emulators,
  over: Partial<StackInfo> = {},
): Promise<void> {
  await writeStackInfo(
    {
      region: REGION,
      s3Endpoint: emu.s3,
      sqsEndpoint: emu.s3,
      dynamodbEndpoint: emu.dynamodb,
      rawBucket: BUCKET,
      tableName: TABLE,
      intakeQueueUrl: `${emu.s3}/000000000000/intake`,
      reviewQueueUrl: `${emu.s3}/000000000000/review`,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      ...over,
    },
    file,
  );
}

export interface SeedParcel {
  parcelId: string;
  consignee: string;
  awb?: string | null;
  description?: string;
  hsCodes?: string[];
  flags?: Flag[];
  riskScore?: number;
}

export const FIREARM_FLAG: Flag = {
  category: 'firearms',
  rule: 'hs-chapter-93',
  score: 80,
  evidence: { field: 'hsCodes', text: '930591' },
};

/**
 * Seeds a document the way ingest leaves it: the original file in S3, the document record,
 * consignments, and review items for the flagged ones (through the real intake store).
 */
export async function seedDocument(
  emu: Emulators,
  documentId: string,
  parcels: SeedParcel[],
  now = new Date(),
): Promise<{ ids: string[]; fileBody: string }> {
  const store = new DynamoIntakeStore(emu.db, TABLE);
  const key = `incoming/DEMO/${documentId}/manifest.csv`;
  const fileBody = `ParcelID,Consignee\n${parcels.map((p) => `${p.parcelId},${p.consignee}`).join('\n')}\n`;
  await emu.s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: fileBody }));
  await store.beginDocument(
    { documentId, carrierId: 'DEMO', bucket: BUCKET, key, fileName: 'manifest.csv', etag: 'e1' },
    now,
    60_000,
  );
  const stored: StoredConsignment[] = parcels.map((p, i) => {
    const c: Consignment = {
      kind: 'parcel',
      awb: p.awb === undefined ? '176-12345675' : p.awb,
      hawb: null,
      parcelId: p.parcelId,
      origin: 'MEX',
      destination: 'LHR',
      pieces: 1,
      weightKg: 2.5,
      description: p.description ?? 'steel pin samples',
      hsCodes: p.hsCodes ?? ['930591'],
      shipper: party('Pacifico Export SA'),
      consignee: party(p.consignee),
      declaredValue: { amount: 20, currency: 'USD' },
      specialHandling: [],
      source: { documentId, file: 'manifest.csv', line: i + 2 },
    };
    const flags = p.flags ?? [FIREARM_FLAG];
    const riskScore = p.riskScore ?? (flags.length ? 80 : 0);
    return {
      ...c,
      id: consignmentId(documentId, i + 2),
      documentId,
      carrierId: 'DEMO',
      flags,
      riskScore,
      ruleSetVersion: 'test-rules-1',
      review: riskScore >= 50,
      storedAt: now.toISOString(),
    };
  });
  await store.putConsignments(stored);
  const seeds = stored
    .filter((c) => c.review)
    .map((c) => ({
      consignmentId: c.id,
      documentId,
      carrierId: 'DEMO',
      ref: consignmentRef(c),
      categories: [...new Set(c.flags.map((f) => f.category))],
      riskScore: c.riskScore,
      ruleSetVersion: c.ruleSetVersion,
    }));
  await store.createReviewItems(seeds, now);
  await store.markQueued(seeds.map((s) => s.consignmentId));
  await store.completeDocument(
    documentId,
    {
      format: 'parcel-csv',
      status: 'accepted',
      counts: { received: parcels.length, accepted: parcels.length, rejected: 0, duplicate: 0 },
      errors: [],
      errorsOmitted: 0,
      warnings: [],
      warningsOmitted: 0,
      flagged: seeds.length,
    },
    now,
  );
  return { ids: stored.map((c) => c.id), fileBody };
}

/** A small client for the API as the console and the CLI use it. */
export function client(baseUrl: string) {
  return async (user: string | null, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(user ? { authorization: `Bearer dev:${user}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'manual',
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { text };
    }
    return { status: res.status, body: json as Record<string, any>, headers: res.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}
