// The local Lambda runtime: runs inside a worker_threads Worker, one per function, with the
// function's own environment. Plain JavaScript so it needs no TypeScript loader: it imports the
// bundled handler from the asset folder exactly as the Lambda runtime does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const {
  codeDir,
  handler,
  functionName,
  functionArn,
  memoryMb,
  logGroupName,
  logStreamName,
  enableSourceMaps,
} = workerData;

if (enableSourceMaps && typeof process.setSourceMapsEnabled === 'function')
  process.setSourceMapsEnabled(true);

function serializeError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      stack: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error) };
}

async function loadHandler() {
  // "index.handler" → module "index" (index.mjs | index.js | index.cjs), export "handler".
  const dot = handler.lastIndexOf('.');
  const modulePath = handler.slice(0, dot);
  const exportPath = handler.slice(dot + 1);
  const file = ['.mjs', '.js', '.cjs']
    .map((ext) => join(codeDir, modulePath + ext))
    .find((f) => existsSync(f));
  if (!file)
    throw Object.assign(new Error(`Cannot find module '${modulePath}' in ${codeDir}`), {
      name: 'Runtime.ImportModuleError',
    });
  const mod = await import(pathToFileURL(file).href);
  const fn = mod[exportPath] ?? mod.default?.[exportPath];
  if (typeof fn !== 'function')
    throw Object.assign(new Error(`${handler} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  return fn;
}

let fnPromise;
try {
  fnPromise = loadHandler();
  await fnPromise;
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  // An init error fails every invocation, as in Lambda; the runner reports it.
  parentPort.postMessage({ type: 'init-error', error: serializeError(error) });
}

parentPort.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { id, requestId, deadline, event } = message;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName,
    logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  try {
    const fn = await fnPromise;
    const input = JSON.parse(event);
    // Callback-style handlers (three parameters) still exist in the wild.
    const result =
      fn.length >= 3
        ? await new Promise((resolve, reject) => {
            const maybe = fn(input, context, (err, value) => (err ? reject(err) : resolve(value)));
            if (maybe && typeof maybe.then === 'function') maybe.then(resolve, reject);
          })
        : await fn(input, context);
    parentPort.postMessage({
      type: 'result',
      id,
      result: result === undefined ? undefined : JSON.stringify(result),
    });
  } catch (error) {
    parentPort.postMessage({ type: 'error', id, error: serializeError(error) });
  }
});
