import type { z } from 'zod';
import type { EnvironmentConfig } from './schema.js';

/** Production-like sizing with shorter retention; data is still removable. */
export const staging: z.input<typeof EnvironmentConfig> = {
  envName: 'staging',
  project: 'ManifestIntake',
  retainData: false,
  deletionProtection: true,
  logRetentionDays: 30,
  logLevel: 'INFO',
  alarmEmail: 'manifest-intake-staging-alarms@example.com',
  reviewThreshold: 50,
  rawBucket: { noncurrentVersionExpirationDays: 30, accessLogExpirationDays: 90 },
  ingest: { memorySize: 1536, timeoutSeconds: 600, batchSize: 1, maxConcurrency: 10, maxReceiveCount: 5 },
  rescreen: {
    memorySize: 1024,
    timeoutSeconds: 900,
    maxConcurrency: 2,
    maxReceiveCount: 3,
    startDelaySeconds: 720,
  },
  api: { memorySize: 1024, timeoutSeconds: 10 },
  reviewQueue: { visibilityTimeoutSeconds: 300, maxReceiveCount: 5, oldestMessageAlarmMinutes: 60 },
  review: {
    leaseSeconds: 900,
    authDomainPrefix: 'manifest-intake-staging',
    throttle: { rateLimit: 50, burstLimit: 100 },
    eventArchiveDays: 30,
  },
  screening: { ruleSet: 'default', watchlistKey: 'watchlists/csl.csv' },
};
