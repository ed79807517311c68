/**
 * `npm start`: the local stack for development. Synthesizes the CDK app when the sources
 * changed, starts the emulators on 127.0.0.1, provisions what the templates declare, runs the
 * functions, uploads samples/ as carrier DEMO and keeps running until Ctrl-C.
 */
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { boot, clearLogs, parseFlags, quietSdkNodeWarning, SHARED_HELP } from './boot.js';
import { documentReporter, uploadFolder } from './intake.js';
import { stackFile, writeStackInfo } from './stack-info.js';
import type { LocalStack } from './stack.js';
import { startReviewConsole } from './review.js';
import type { ReviewApiServer } from './review-api-server.js';
import { displayPath } from './template-model.js';

const HELP = `Usage: npm start [-- options]

Starts the local stack and keeps it running (Ctrl-C stops it).

  --persist               keep DynamoDB data in .local/dynamodb between runs (default: in memory)
  --no-samples            do not upload samples/ at start
  --api-port <n>          fixed port for the review API and web console (default: a free port)
${SHARED_HELP}
`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const rel = (p: string) => relative(process.cwd(), p) || '.';

async function main(): Promise<void> {
  quietSdkNodeWarning();
  const {
    boot: options,
    values,
    help,
  } = parseFlags(process.argv.slice(2), {
    persist: { type: 'boolean', default: false },
    'no-samples': { type: 'boolean', default: false },
    'api-port': { type: 'string' },
  });
  if (help) return void process.stdout.write(HELP);

  const root = process.cwd();
  const logDir = join(root, '.local', 'logs');
  await clearLogs(logDir);
  out('Manifest Intake — local stack');

  // Ctrl-C may come while synth or start-up still runs: stop what exists by then.
  const running: {
    stack?: LocalStack;
    review?: ReviewApiServer;
    report?: ReturnType<typeof documentReporter>;
  } = {};
  let stopping = false;
  const file = stackFile();
  const stop = async (signal: string) => {
    if (stopping) {
      out('Stopping forcefully.');
      process.exit(130);
    }
    stopping = true;
    out(`\n${signal}: stopping the local stack…`);
    await rm(file, { force: true });
    await running.review?.close();
    await running.stack?.stop();
    out('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const stack = await boot(options, {
    progress: out,
    logDir,
    ...(values.persist ? { persistDir: join(root, '.local', 'dynamodb') } : {}),
    onBatch: (r) => running.report?.(r),
  });
  running.stack = stack;
  running.report = documentReporter(stack, out);
  out('Building the reviewer console and starting the review API…');
  const review = await startReviewConsole(stack, {
    ...(values['api-port'] ? { port: Number(values['api-port']) } : {}),
  });
  running.review = review;
  const info = { ...stack.stackInfo(), apiUrl: review.url, webUrl: review.url };
  await writeStackInfo(info, file);

  const intake = stack.intake!;
  const fns = stack.model.functions.map((f) => `${displayPath(f)} → ${rel(stack.runner.logFile(f.id)!)}`);
  out('');
  out('Ready. Everything listens on 127.0.0.1 only:');
  out(`  S3 + SQS (fauxqs)    ${info.s3Endpoint}`);
  out(
    `  DynamoDB (dynalite)  ${info.dynamodbEndpoint}${values.persist ? `  (data kept in ${rel(join(root, '.local', 'dynamodb'))})` : '  (in memory)'}`,
  );
  out(`  raw bucket           ${info.rawBucket}   uploads go to incoming/<carrier>/<documentId>/<file>`);
  out(`  table                ${info.tableName}`);
  out(
    `  intake queue         ${info.intakeQueueUrl}${intake.intakeDlq ? `\n  intake DLQ           ${intake.intakeDlq.url}` : ''}`,
  );
  out(
    `  review queue         ${info.reviewQueueUrl}${intake.reviewDlq ? `\n  review DLQ           ${intake.reviewDlq.url}` : ''}`,
  );
  out(`  review console      ${review.url}/   (sign in as reviewer1, reviewer2, supervisor1 or ops1)`);
  out(`  review API           ${review.url}/review/items   (Authorization: Bearer dev:<user>)`);
  out(`  function logs        ${fns.join('\n                       ')}`);
  out(`  stack file           ${rel(file)}   (read by the intake CLI and the tests)`);
  out('');
  out('Try, in another terminal:');
  out('  npx intake upload samples/parcels-mx.csv --carrier ACME     → prints a documentId');
  out('  npx intake status <documentId>                               → status and counts once processed');
  out(
    '  npx intake review list                                       → flagged consignments waiting for review',
  );
  out('  npx intake review claim --as reviewer1                       → claim the next one');
  out(
    `  AWS CLI: aws --endpoint-url ${info.s3Endpoint} s3 ls s3://${info.rawBucket} --recursive   (any credentials)`,
  );
  const list = stack.model.functions.find((f) => f.environment.SCREENING_WATCHLIST?.startsWith('s3://'))
    ?.environment.SCREENING_WATCHLIST;
  if (list)
    out(
      `  A new denied-party list: aws --endpoint-url ${info.s3Endpoint} s3 cp my-csl.csv ${list}\n` +
        '                          → ingest uses it within a minute; stored consignments are re-screened',
    );
  out('Ctrl-C stops the stack.');
  out('');

  if (!values['no-samples']) {
    const uploaded = await uploadFolder(stack, join(root, 'samples'), 'DEMO');
    for (const u of uploaded) out(`↑ ${u.fileName} uploaded as DEMO/${u.documentId}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  void rm(stackFile(), { force: true }).finally(() => process.exit(1));
});
