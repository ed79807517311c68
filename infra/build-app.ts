import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig, parseEnvName, type EnvName } from './config/index.js';
import { ManifestIntakeStage } from './stage.js';

export const stageName = (envName: EnvName): string => `ManifestIntake-${envName}`;

export interface BuiltApp {
  app: App;
  stage: ManifestIntakeStage;
}

/**
 * The CDK app for one environment: `-c env=dev|staging|prod` (default dev) selects the single
 * stage that is built, and cdk-nag's AwsSolutions pack runs over it at synth.
 */
export function buildApp(props: AppProps = {}): BuiltApp {
  const app = new App({
    ...props,
    // The app itself fails the synth on any unacknowledged finding. Left to the CLI, a plain
    // `cdk synth` selects only top-level stacks and so never looks at this stage's report.
    postCliContext: { '@aws-cdk/core:failSynthOnValidationErrors': true, ...props.postCliContext },
  });
  const envName = parseEnvName(app.node.tryGetContext('env'));
  const config = loadConfig(envName);
  const stage = new ManifestIntakeStage(app, stageName(envName), { config });
  // Any unacknowledged AwsSolutions finding (error or warning) fails the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stage };
}
