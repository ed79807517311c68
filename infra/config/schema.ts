import { z } from 'zod';

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export const EnvName = z.enum(ENVIRONMENTS);
export type EnvName = z.infer<typeof EnvName>;

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
const LogRetentionDays = z
  .number()
  .int()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `log retention must be one of ${LOG_RETENTION_DAYS.join(', ')} days`,
  });

const FunctionSettings = z.object({
  /** MB; Lambda allows 128–10240. */
  memorySize: z.number().int().min(128).max(10_240),
  timeoutSeconds: z.number().int().min(1).max(900),
});
export type FunctionSettings = z.infer<typeof FunctionSettings>;

/**
 * One environment's settings. Everything that differs between dev, staging and prod lives
 * here, so stacks hold no `if (env === 'prod')`.
 */
export const EnvironmentConfig = z
  .object({
    envName: EnvName,
    project: z.string().regex(/^[A-Za-z][A-Za-z0-9]{1,31}$/),
    /** Optional deployment target; without it the stacks are environment-agnostic (offline synth). */
    account: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
      .optional(),
    /** Retain data stores (buckets, table, keys) when the stack is deleted. */
    retainData: z.boolean(),
    /** DynamoDB deletion protection. */
    deletionProtection: z.boolean(),
    logRetentionDays: LogRetentionDays,
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    alarmEmail: z.email(),
    /** Risk score at or above which a consignment goes to review (handed to the ingest function). */
    reviewThreshold: z.number().int().min(0).max(100),
    rawBucket: z.object({
      noncurrentVersionExpirationDays: z.number().int().min(1),
      accessLogExpirationDays: z.number().int().min(1),
    }),
    ingest: FunctionSettings.extend({
      /**
       * SQS messages per invocation (S3 events: one object each). 1 in every environment: the
       * documents of a batch share one run's CPU and timeout, and one that runs out of time fails
       * the whole batch, so healthy documents would be retried with it and dead-lettered with it.
       */
      batchSize: z.number().int().min(1).max(10),
      /** Upper bound on concurrent ingest invocations from the intake queue (SQS ESM allows ≥ 2). */
      maxConcurrency: z.number().int().min(2).max(1000),
      /** Deliveries before a message moves to the intake DLQ. */
      maxReceiveCount: z.number().int().min(1).max(1000),
    }),
    /**
     * The re-screen function (a watchlist upload re-screens every stored consignment): its
     * sizing, and how many list updates it works on at once (SQS ESM allows ≥ 2).
     */
    rescreen: FunctionSettings.extend({
      maxConcurrency: z.number().int().min(2).max(1000),
      /**
       * Seconds a list upload waits in the re-screen queue before the run starts (SQS allows up
       * to 900). Documents already being read when the list changes are screened with the old
       * list and written up to an ingest timeout later, and a warm ingest function notices the new
       * list within SCREENING_REFRESH_SECONDS (60): a run that starts after both has every such
       * consignment behind it. 0 starts at once (dev and the local stack).
       */
      startDelaySeconds: z.number().int().min(0).max(900),
      /** Deliveries of one list update or continuation before it moves to the re-screen DLQ. */
      maxReceiveCount: z.number().int().min(1).max(1000),
    }),
    /** Sizing of the review API function. */
    api: FunctionSettings,
    reviewQueue: z.object({
      visibilityTimeoutSeconds: z.number().int().min(0).max(43_200),
      maxReceiveCount: z.number().int().min(1).max(1000),
      /** Alarm when the oldest pending review is older than this. */
      oldestMessageAlarmMinutes: z.number().int().min(1),
    }),
    /** The review HTTP API, its sign-in and its events. */
    review: z.object({
      /** How long a claim holds an item before it returns to PENDING (review function LEASE_SECONDS). */
      leaseSeconds: z.number().int().min(60).max(86_400),
      /**
       * Prefix of the Cognito hosted-UI domain (`<prefix>.auth.<region>.amazoncognito.com`): unique
       * within the region across all of AWS, so one per environment.
       */
      authDomainPrefix: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
        .refine((p) => !/aws|amazon|cognito/.test(p), {
          message: 'Cognito refuses domain prefixes containing aws, amazon or cognito',
        }),
      /** Default-stage throttling of the HTTP API (requests per second, burst). */
      throttle: z.object({
        rateLimit: z.number().positive().max(10_000),
        burstLimit: z.number().int().min(1).max(5_000),
      }),
      /** Days the review event archive keeps decision events (replayable for late subscribers). */
      eventArchiveDays: z.number().int().min(1).max(3_650),
    }),
    /**
     * Screening data in the reference-data bucket: the rule set deployed from
     * `config/rules/<ruleSet>.json` to `rules/<ruleSet>.json`, and the denied-party list that
     * operations upload (CSL CSV layout) under `watchlistKey`.
     */
    screening: z.object({
      ruleSet: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/),
      // A plain object key: no wildcard may widen the ingest function's exact-key grant.
      watchlistKey: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,500}$/)
        .refine((k) => !k.split('/').includes('..') && !k.endsWith('/'), {
          message: 'watchlistKey must name one object',
        }),
    }),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A production environment that drops its data on stack deletion is a mistake, not a choice.
    if (c.envName === 'prod' && (!c.retainData || !c.deletionProtection)) {
      ctx.addIssue({ code: 'custom', message: 'prod must retain data and enable deletion protection' });
    }
  });
export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;
