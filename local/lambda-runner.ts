import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { findFunction, type FunctionSpec } from './template-model.js';

/**
 * Runs each function of the template in its own worker thread (its own environment, its own
 * module state, like a Lambda execution environment), one invocation at a time per function.
 * A worker that crashes, runs out of memory or exceeds the function's timeout is thrown away and
 * the next invocation starts a fresh one: a cold start.
 */

export class LambdaInvokeError extends Error {
  constructor(
    readonly functionName: string,
    readonly errorType: string,
    errorMessage: string,
    readonly trace: string[] = [],
  ) {
    super(`${functionName}: ${errorType}: ${errorMessage}`);
    this.name = 'LambdaInvokeError';
  }
}

export interface LambdaRunnerOptions {
  /** Variables every function gets on top of its template environment (endpoints, region, credentials). */
  baseEnv: Record<string, string>;
  /** One log file per function lands here; without it, function output is discarded. */
  logDir?: string;
  /** Also hands every output line to this callback (e.g. to echo it with --verbose). */
  onLogLine?: (functionName: string, line: string) => void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Container {
  worker: Worker;
  ready: Promise<void>;
  initError?: string;
  pending: Map<string, Pending>;
  dead: boolean;
}

const RUNTIME = new URL('./lambda-runtime.mjs', import.meta.url);

export class LambdaRunner {
  private readonly containers = new Map<string, Container>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly logs = new Map<string, WriteStream>();
  private closed = false;
  private active = 0;

  constructor(
    readonly functions: FunctionSpec[],
    private readonly options: LambdaRunnerOptions,
  ) {
    if (options.logDir) mkdirSync(options.logDir, { recursive: true });
  }

  /** Invocations running or waiting for their function right now. */
  get inFlight(): number {
    return this.active;
  }

  find(ref: string): FunctionSpec {
    const spec = findFunction(this.functions, ref);
    if (!spec)
      throw new Error(
        `no local function "${ref}" (known: ${this.functions.map((f) => f.logicalId).join(', ') || 'none'})`,
      );
    return spec;
  }

  logFile(ref: string): string | undefined {
    return this.options.logDir ? join(this.options.logDir, `${this.find(ref).name}.log`) : undefined;
  }

  /**
   * Starts a function's worker ahead of the first invocation, so errors at import show at
   * start-up: resolves with the init error, if any (invocations then fail with it, as in Lambda).
   */
  async warm(ref: string): Promise<string | undefined> {
    const container = this.container(this.find(ref));
    await container.ready;
    return container.initError;
  }

  /**
   * Invokes a function synchronously (RequestResponse) with a JSON event and returns its JSON
   * result, or rejects with a LambdaInvokeError carrying the function's errorType/errorMessage.
   */
  invoke(ref: string, event: unknown): Promise<unknown> {
    let spec: FunctionSpec;
    try {
      spec = this.find(ref);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const payload = JSON.stringify(event ?? null);
    this.active++;
    // One invocation at a time per function: a Lambda environment serves one request at a time.
    const previous = this.queues.get(spec.id) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.run(spec, payload));
    this.queues.set(spec.id, run);
    return run.finally(() => {
      this.active--;
    });
  }

  private log(spec: FunctionSpec, text: string): void {
    if (!this.options.logDir && !this.options.onLogLine) return;
    let stream = this.logs.get(spec.id);
    if (!stream && this.options.logDir) {
      stream = createWriteStream(join(this.options.logDir, `${spec.name}.log`), { flags: 'a' });
      this.logs.set(spec.id, stream);
    }
    stream?.write(text.endsWith('\n') ? text : `${text}\n`);
    if (this.options.onLogLine)
      for (const line of text.split('\n')) if (line) this.options.onLogLine(spec.logicalId, line);
  }

  private container(spec: FunctionSpec): Container {
    const existing = this.containers.get(spec.id);
    if (existing && !existing.dead) return existing;
    if (this.closed) throw new Error('the local Lambda runner is stopped');

    const env: Record<string, string> = {
      ...spec.environment,
      // What the Lambda runtime sets; AWS_EXECUTION_ENV stays unset so Powertools Tracer
      // knows there is no X-Ray daemon to talk to.
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
      LAMBDA_TASK_ROOT: spec.codeDir,
      _HANDLER: spec.handler,
      // Lambda runs nodejs22.x; the SDK's "needs Node 22" notice only concerns this machine.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...this.options.baseEnv,
    };
    const pending = new Map<string, Pending>();
    const worker = new Worker(RUNTIME, {
      env,
      stdout: true,
      stderr: true,
      workerData: {
        codeDir: spec.codeDir,
        handler: spec.handler,
        functionName: spec.name,
        functionArn: spec.arn,
        memoryMb: spec.memoryMb,
        logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
        enableSourceMaps: (spec.environment.NODE_OPTIONS ?? '').includes('--enable-source-maps'),
      },
      // The function's memory size bounds its heap, as it bounds the Lambda sandbox.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(128, spec.memoryMb) },
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => this.log(spec, chunk));
    }
    const container: Container = { worker, pending, dead: false, ready: Promise.resolve() };
    const fail = (error: Error) => {
      container.dead = true;
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    };
    container.ready = new Promise<void>((resolve) => {
      worker.on(
        'message',
        (msg: {
          type: string;
          id?: string;
          result?: string;
          error?: { errorType: string; errorMessage: string; stack?: string[] };
        }) => {
          if (msg.type === 'ready') resolve();
          else if (msg.type === 'init-error') {
            this.log(spec, `INIT_REPORT Status: error ${msg.error?.errorType}: ${msg.error?.errorMessage}`);
            resolve(); // Invocations then fail with the init error, as in Lambda.
          } else if (msg.id) {
            const p = pending.get(msg.id);
            if (!p) return;
            pending.delete(msg.id);
            if (msg.type === 'result') p.resolve(msg.result === undefined ? null : JSON.parse(msg.result));
            else
              p.reject(
                new LambdaInvokeError(
                  spec.name,
                  msg.error?.errorType ?? 'Error',
                  msg.error?.errorMessage ?? 'unknown error',
                  msg.error?.stack,
                ),
              );
          }
        },
      );
      worker.on('error', (error) => {
        resolve();
        this.log(spec, `Runtime error: ${error.stack ?? error.message}`);
        fail(new LambdaInvokeError(spec.name, 'Runtime.ExitError', error.message));
      });
      worker.on('exit', (code) => {
        resolve();
        fail(
          new LambdaInvokeError(
            spec.name,
            'Runtime.ExitError',
            `RequestId: runtime exited with status ${code}`,
          ),
        );
      });
    });
    this.containers.set(spec.id, container);
    return container;
  }

  private async run(spec: FunctionSpec, payload: string): Promise<unknown> {
    const container = this.container(spec);
    await container.ready;
    const requestId = randomUUID();
    const started = Date.now();
    const timeoutMs = spec.timeoutSeconds * 1000;
    this.log(spec, `START RequestId: ${requestId} Version: $LATEST`);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<unknown>((resolve, reject) => {
        if (container.dead)
          return reject(new LambdaInvokeError(spec.name, 'Runtime.ExitError', 'runtime exited'));
        container.pending.set(requestId, { resolve, reject });
        timer = setTimeout(() => {
          // Lambda stops the environment when the timeout strikes; so does this.
          container.pending.delete(requestId);
          container.dead = true;
          void container.worker.terminate();
          reject(
            new LambdaInvokeError(
              spec.name,
              'Sandbox.Timedout',
              `Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`,
            ),
          );
        }, timeoutMs);
        container.worker.postMessage({
          type: 'invoke',
          id: requestId,
          requestId,
          deadline: started + timeoutMs,
          event: payload,
        });
      });
    } finally {
      clearTimeout(timer);
      const ms = Date.now() - started;
      this.log(
        spec,
        `END RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: ${ms} ms\tMemory Size: ${spec.memoryMb} MB`,
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.containers.values()].map((c) => c.worker.terminate()));
    this.containers.clear();
    await Promise.all([...this.logs.values()].map((s) => new Promise<void>((resolve) => s.end(resolve))));
    this.logs.clear();
  }
}
