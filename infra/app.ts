// Entry point for the CDK CLI (cdk.json: `npx tsx infra/app.ts`).
import { buildApp } from './build-app.js';

const { app } = buildApp();
app.synth();
