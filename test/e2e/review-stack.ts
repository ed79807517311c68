import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynalite, startFauxqs } from '../../local/emulators.js';
import { startReviewApi } from '../../local/review-api-server.js';
import { emulatorEnv } from '../../local/stack-info.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { consignmentRef, type Consignment } from '../../shared/model/consignment.js';
import type { Flag } from '../../shared/screening/types.js';
import { consignmentId, INDEXES } from '../../shared/store/keys.js';
import type { StoredConsignment } from '../../shared/store/types.js';

/**
 * The real review stack for the browser tests: dynalite (DynamoDB) and fauxqs (S3) on
 * 127.0.0.1, the single table, review items seeded through the real intake store, and the real
 * local server (local/review-api-server.ts) running the review function in-process and serving
 * the console built by web/build.ts.
 */

export const REGION = 'us-east-1';
export const TABLE = 'e2e-manifest-intake';
export const BUCKET = 'e2e-raw';
export const DOCUMENT_ID = 'e2edoc0001';
export const FILE_NAME = 'parcels-mx.csv';
export const RAW_CSV = [
  'MawbNr,ParcelID,ShipperName,BuyerName,ItemHSCode,GoodsDescription',
  '020-12345675,PX1000002,Shenzhen Bright Trading Co.,Juan Carlos Ramírez,930320,"Steel parts, hunting rifle receiver"',
  '020-12345675,PX1000003,Guangzhou Fine Chem Ltd,Laboratorios del Norte SA de CV,293339,4-piperidone hydrochloride',
  '020-12345675,PX1000007,Yiwu Home Goods,Juan Carlos Ramírez,732111,Camping stove with butane gas cartridges',
  '',
].join('\n');

export interface SeededItem {
  id: string;
  ref: string;
  consignment: StoredConsignment;
}

export interface ReviewStack {
  url: string;
  items: SeededItem[];
  stop(): Promise<void>;
}

const party = (name: string, city: string, countryCode: string) => ({
  name,
  address: null,
  city,
  postcode: null,
  countryCode,
});

function consignment(line: number, over: Partial<Consignment>, flags: Flag[]): StoredConsignment {
  const base: Consignment = {
    kind: 'parcel',
    awb: '020-12345675',
    hawb: null,
    parcelId: null,
    origin: 'PVG',
    destination: 'MEX',
    pieces: 1,
    weightKg: 2.4,
    description: 'goods',
    hsCodes: [],
    shipper: null,
    consignee: null,
    declaredValue: { amount: 15, currency: 'USD' },
    specialHandling: [],
    source: { documentId: DOCUMENT_ID, file: FILE_NAME, line },
    ...over,
  };
  return {
    ...base,
    id: consignmentId(DOCUMENT_ID, line),
    documentId: DOCUMENT_ID,
    carrierId: 'DEMO',
    flags,
    riskScore: Math.max(...flags.map((f) => f.score)),
    ruleSetVersion: 'e2e-1',
    review: true,
    storedAt: new Date().toISOString(),
  };
}

/** Three flagged parcels of one master AWB; the first carries evidence in its description and a party name. */
export function seedConsignments(): StoredConsignment[] {
  return [
    consignment(
      2,
      {
        parcelId: 'PX1000002',
        description: 'Steel parts, hunting rifle receiver',
        hsCodes: ['930320'],
        shipper: party('Shenzhen Bright Trading Co.', 'Shenzhen', 'CN'),
        consignee: party('Juan Carlos Ramírez', 'Guadalajara', 'MX'),
      },
      [
        {
          category: 'firearms',
          rule: 'hs-chapter-93',
          score: 80,
          evidence: { field: 'hsCodes', text: '930320' },
        },
        {
          category: 'firearms',
          rule: 'firearm-parts-terms',
          score: 70,
          evidence: { field: 'description', text: 'rifle receiver' },
        },
        {
          category: 'denied-party',
          rule: 'watchlist-name',
          score: 90,
          evidence: { field: 'shipper.name', text: 'SHENZHEN BRIGHT TRADING' },
        },
      ],
    ),
    consignment(
      3,
      {
        parcelId: 'PX1000003',
        description: '4-piperidone hydrochloride',
        hsCodes: ['293339'],
        shipper: party('Guangzhou Fine Chem Ltd', 'Guangzhou', 'CN'),
        consignee: party('Laboratorios del Norte SA de CV', 'Monterrey', 'MX'),
      },
      [
        {
          category: 'precursors',
          rule: 'precursor-names',
          score: 85,
          evidence: { field: 'description', text: '4-piperidone' },
        },
      ],
    ),
    consignment(
      4,
      {
        parcelId: 'PX1000007',
        description: 'Camping stove with butane gas cartridges',
        hsCodes: ['732111'],
        shipper: party('Yiwu Home Goods', 'Yiwu', 'CN'),
        consignee: party('Juan Carlos Ramírez', 'Guadalajara', 'MX'),
      },
      [
        {
          category: 'fuel',
          rule: 'fuel-terms',
          score: 60,
          evidence: { field: 'description', text: 'butane gas cartridges' },
        },
      ],
    ),
  ];
}

export async function startReviewStack(options: { webRoot: string }): Promise<ReviewStack> {
  const dynalite = await startDynalite({});
  const fauxqs = await startFauxqs({ region: REGION, onObjectCreated: () => undefined });
  const env = emulatorEnv({
    region: REGION,
    s3Endpoint: fauxqs.endpoint,
    sqsEndpoint: fauxqs.endpoint,
    dynamodbEndpoint: dynalite.endpoint,
  });
  // The review function reads its configuration from the environment, as in Lambda.
  Object.assign(process.env, env, {
    TABLE_NAME: TABLE,
    DOCUMENT_LINKS: 'local',
    LEASE_SECONDS: '900',
    // Keep the test output readable: the function's request logs and empty-metrics warnings.
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });

  const ddb = new DynamoDBClient({ region: REGION, endpoint: dynalite.endpoint });
  const s3 = new S3Client({
    region: REGION,
    endpoint: fauxqs.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  let server: { close(): Promise<void> } | undefined;
  const stop = async () => {
    await server?.close();
    ddb.destroy();
    s3.destroy();
    await fauxqs.close();
    await dynalite.close();
  };
  try {
    // The single table as the CDK app declares it: pk/sk and three string-keyed GSIs, projection ALL.
    const attrs = ['pk', 'sk', ...INDEXES.flatMap((g) => [`${g}pk`, `${g}sk`])];
    await ddb.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attrs.map((a) => ({ AttributeName: a, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: INDEXES.map((g) => ({
          IndexName: g,
          KeySchema: [
            { AttributeName: `${g}pk`, KeyType: 'HASH' },
            { AttributeName: `${g}sk`, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );

    const key = `incoming/DEMO/${DOCUMENT_ID}/${FILE_NAME}`;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const put = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: RAW_CSV, ContentType: 'text/csv' }),
    );

    // Seeded through the real intake store, so items have exactly the shape ingestion writes.
    const store = new DynamoIntakeStore(
      DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }),
      TABLE,
    );
    const now = Date.now();
    const doc = {
      documentId: DOCUMENT_ID,
      carrierId: 'DEMO',
      bucket: BUCKET,
      key,
      fileName: FILE_NAME,
      etag: (put.ETag ?? 'e2e').replace(/"/g, ''),
    };
    await store.beginDocument(doc, new Date(now - 3 * 3600_000), 900_000);
    const consignments = seedConsignments();
    await store.putConsignments(consignments);
    // Different ages, so the queue's age column and the supervisor's oldest age mean something.
    const ages = [2 * 3600, 3 * 3600, 20 * 60];
    for (const [i, c] of consignments.entries()) {
      const seed = {
        consignmentId: c.id,
        documentId: DOCUMENT_ID,
        carrierId: 'DEMO',
        ref: consignmentRef(c),
        categories: [...new Set(c.flags.map((f) => f.category))],
        riskScore: c.riskScore,
        ruleSetVersion: c.ruleSetVersion,
      };
      await store.createReviewItems([seed], new Date(now - (ages[i] ?? 0) * 1000));
    }
    await store.markQueued(consignments.map((c) => c.id));
    await store.completeDocument(
      DOCUMENT_ID,
      {
        format: 'parcel-csv',
        status: 'accepted',
        counts: { received: 3, accepted: 3, rejected: 0, duplicate: 0 },
        errors: [],
        errorsOmitted: 0,
        warnings: [],
        warningsOmitted: 0,
        flagged: 3,
      },
      new Date(now - 3 * 3600_000),
    );

    const api = await startReviewApi({ webRoot: options.webRoot });
    server = api;
    return {
      url: api.url,
      items: consignments.map((c) => ({ id: c.id, ref: consignmentRef(c), consignment: c })),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
