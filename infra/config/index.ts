import { dev } from './dev.js';
import { prod } from './prod.js';
import { EnvironmentConfig, EnvName } from './schema.js';
import { staging } from './staging.js';

export { ENVIRONMENTS, EnvironmentConfig, EnvName, type FunctionSettings } from './schema.js';

const RAW = { dev, staging, prod } as const;

/** Parses the name given with `-c env=...` (default dev); unknown names fail loudly. */
export function parseEnvName(value: unknown): EnvName {
  const parsed = EnvName.safeParse(value ?? 'dev');
  if (!parsed.success) {
    throw new Error(`unknown environment ${JSON.stringify(value)}: use -c env=${EnvName.options.join('|')}`);
  }
  return parsed.data;
}

/** The validated configuration of one environment. */
export function loadConfig(envName: EnvName): EnvironmentConfig {
  const parsed = EnvironmentConfig.safeParse(RAW[envName]);
  if (!parsed.success) {
    throw new Error(`invalid configuration for ${envName}:\n${parsed.error.message}`);
  }
  if (parsed.data.envName !== envName) {
    throw new Error(`configuration file for ${envName} says envName=${parsed.data.envName}`);
  }
  return parsed.data;
}

/** Lower-case prefix for the few physical names we set: `manifest-intake-dev`. */
export function resourcePrefix(config: EnvironmentConfig): string {
  return `${config.project.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}-${config.envName}`;
}
