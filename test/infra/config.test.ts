import { describe, expect, it } from 'vitest';
import { dev } from '../../infra/config/dev.js';
import {
  ENVIRONMENTS,
  EnvironmentConfig,
  loadConfig,
  parseEnvName,
  resourcePrefix,
} from '../../infra/config/index.js';
import { prod } from '../../infra/config/prod.js';

describe('environment configuration', () => {
  it.each(ENVIRONMENTS)('%s is valid and names itself', (name) => {
    const config = loadConfig(name);
    expect(config.envName).toBe(name);
    expect(resourcePrefix(config)).toBe(`manifest-intake-${name}`);
  });

  it('keeps the intake queue visibility within SQS limits for every environment (6 × timeout ≤ 12 h)', () => {
    for (const name of ENVIRONMENTS)
      expect(6 * loadConfig(name).ingest.timeoutSeconds).toBeLessThanOrEqual(43_200);
  });

  it('makes prod retain its data and protect its table', () => {
    expect(loadConfig('prod')).toMatchObject({ retainData: true, deletionProtection: true });
    const careless = EnvironmentConfig.safeParse({ ...prod, retainData: false });
    expect(careless.success).toBe(false);
  });

  it('rejects what CloudWatch, Lambda or e-mail would reject', () => {
    expect(EnvironmentConfig.safeParse({ ...dev, logRetentionDays: 10 }).success).toBe(false);
    expect(EnvironmentConfig.safeParse({ ...dev, ingest: { ...dev.ingest, memorySize: 64 } }).success).toBe(
      false,
    );
    expect(
      EnvironmentConfig.safeParse({ ...dev, ingest: { ...dev.ingest, timeoutSeconds: 901 } }).success,
    ).toBe(false);
    expect(EnvironmentConfig.safeParse({ ...dev, alarmEmail: 'not-an-address' }).success).toBe(false);
    expect(EnvironmentConfig.safeParse({ ...dev, logLevel: 'TRACE' }).success).toBe(false);
    expect(EnvironmentConfig.safeParse({ ...dev, unexpected: true }).success).toBe(false);
  });

  it('refuses screening keys that could widen the ingest grant, and Cognito-illegal domain prefixes', () => {
    const screening = (s: Partial<typeof dev.screening>) =>
      EnvironmentConfig.safeParse({ ...dev, screening: { ...dev.screening, ...s } }).success;
    expect(screening({})).toBe(true);
    expect(screening({ watchlistKey: 'watchlists/*' })).toBe(false);
    expect(screening({ watchlistKey: 'watchlists/../rules/x.json' })).toBe(false);
    expect(screening({ watchlistKey: 'watchlists/' })).toBe(false);
    expect(screening({ ruleSet: '../default' })).toBe(false);
    expect(screening({ ruleSet: 'rules*' })).toBe(false);
    const review = (r: Partial<typeof dev.review>) =>
      EnvironmentConfig.safeParse({ ...dev, review: { ...dev.review, ...r } }).success;
    expect(review({ authDomainPrefix: 'my-cognito-login' })).toBe(false);
    expect(review({ authDomainPrefix: 'Manifest_Intake' })).toBe(false);
    expect(review({ leaseSeconds: 10 })).toBe(false);
  });

  it('gives each environment its own hosted-UI domain prefix', () => {
    const prefixes = ENVIRONMENTS.map((name) => loadConfig(name).review.authDomainPrefix);
    expect(new Set(prefixes).size).toBe(ENVIRONMENTS.length);
  });

  it('selects dev by default and refuses unknown environments', () => {
    expect(parseEnvName(undefined)).toBe('dev');
    expect(parseEnvName('staging')).toBe('staging');
    expect(() => parseEnvName('production')).toThrow(
      /unknown environment "production": use -c env=dev\|staging\|prod/,
    );
  });
});
