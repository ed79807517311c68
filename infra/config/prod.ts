import type { z } from 'zod';
import type { EnvironmentConfig } from './schema.js';

/** Production: data retained, long log retention, larger functions. */
export const prod: z.input<typeof EnvironmentConfig> = {
  envName: 'prod',
  project: 'ManifestIntake',
  retainData: true,
  deletionProtection: true,
  logRetentionDays: 365,
  logLevel: 'INFO',
  alarmEmail: 'manifest-intake-ops@example.com',
  reviewThreshold: 50,
  rawBucket: { noncurrentVersionExpirationDays: 365, accessLogExpirationDays: 365 },
  ingest: { memorySize: 2048, timeoutSeconds: 600, batchSize: 1, maxConcurrency: 50, maxReceiveCount: 5 },
  rescreen: {
    memorySize: 1024,
    timeoutSeconds: 900,
    maxConcurrency: 2,
    maxReceiveCount: 3,
    startDelaySeconds: 720,
  },
  api: { memorySize: 1024, timeoutSeconds: 10 },
  reviewQueue: { visibilityTimeoutSeconds: 300, maxReceiveCount: 5, oldestMessageAlarmMinutes: 30 },
  review: {
    leaseSeconds: 900,
    authDomainPrefix: 'manifest-intake-prod',
    throttle: { rateLimit: 100, burstLimit: 200 },
    eventArchiveDays: 365,
  },
  screening: { ruleSet: 'default', watchlistKey: 'watchlists/csl.csv' },
};
