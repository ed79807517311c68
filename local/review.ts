import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildWeb } from '../web/build.js';
import { startReviewApi, type ReviewApiServer } from './review-api-server.js';
import type { LocalStack } from './stack.js';
import { emulatorEnv } from './stack-info.js';

/**
 * Serves the reviewer HTTP API and web console for a running local stack: the console is built
 * with esbuild, and API requests go to the synthesized review function through the stack's
 * runner (the very bundle that deploys). A template without that function (an older synth)
 * falls back to the handler module in-process.
 */
export async function startReviewConsole(
  stack: LocalStack,
  options: { port?: number; log?: (line: string) => void } = {},
): Promise<ReviewApiServer> {
  const { dir } = await buildWeb();
  const fn = stack.model.functions.find((f) => /^ReviewApi/.test(f.logicalId));
  if (fn) {
    return startReviewApi({
      webRoot: dir,
      invoke: (event) => stack.invoke(fn.id, event) as Promise<APIGatewayProxyStructuredResultV2>,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }
  const info = stack.stackInfo();
  Object.assign(process.env, emulatorEnv(info), { TABLE_NAME: info.tableName, RAW_BUCKET: info.rawBucket });
  return startReviewApi({
    webRoot: dir,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}
