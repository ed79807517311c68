import type { z } from 'zod';
import type { EnvironmentConfig } from './schema.js';

/** Developer sandboxes: short retention, everything removable. */
export const dev: z.input<typeof EnvironmentConfig> = {
  envName: 'dev',
  project: 'ManifestIntake',
  retainData: false,
  deletionProtection: false,
  logRetentionDays: 7,
  logLevel: 'DEBUG',
  alarmEmail: 'manifest-intake-dev-alarms@example.com',
  reviewThreshold: 50,
  rawBucket: { noncurrentVersionExpirationDays: 7, accessLogExpirationDays: 14 },
  ingest: { memorySize: 1024, timeoutSeconds: 300, batchSize: 1, maxConcurrency: 5, maxReceiveCount: 5 },
  rescreen: {
    memorySize: 1024,
    timeoutSeconds: 900,
    maxConcurrency: 2,
    maxReceiveCount: 3,
    startDelaySeconds: 0,
  },
  api: { memorySize: 512, timeoutSeconds: 10 },
  reviewQueue: { visibilityTimeoutSeconds: 300, maxReceiveCount: 5, oldestMessageAlarmMinutes: 240 },
  review: {
    leaseSeconds: 900,
    authDomainPrefix: 'manifest-intake-dev',
    throttle: { rateLimit: 20, burstLimit: 40 },
    eventArchiveDays: 7,
  },
  screening: { ruleSet: 'default', watchlistKey: 'watchlists/csl.csv' },
};
