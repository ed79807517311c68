/**
 * `npm run demo`: one shot. Starts the local stack, uploads samples/, waits until every
 * document has a final status and the intake work is drained, prints a summary and exits.
 * With --json the last stdout line is one JSON object (documents, consignments, rejected,
 * flagged, queued, …); progress then goes to stderr.
 */
import { join } from 'node:path';
import { boot, clearLogs, parseFlags, quietSdkNodeWarning, SHARED_HELP } from './boot.js';
import { summarize, summaryTable, uploadFolder, waitForDocuments } from './intake.js';
import type { LocalStack } from './stack.js';

const HELP = `Usage: npm run demo [-- options]

Starts the local stack, uploads samples/, waits for every document, prints a summary, exits.

  --json                  last stdout line: one JSON object with the summary
  --timeout <seconds>     give up after this long, synth included (default 300)
${SHARED_HELP}
`;

async function main(): Promise<number> {
  quietSdkNodeWarning();
  const {
    boot: options,
    values,
    help,
  } = parseFlags(process.argv.slice(2), {
    json: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '300' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const json = values.json === true;
  const timeoutMs = Number(values.timeout) * 1000;
  if (!(timeoutMs > 0))
    throw new Error(`--timeout must be a number of seconds, got "${String(values.timeout)}"`);
  // With --json, stdout carries only the result.
  const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

  // Never hang: whatever happens, give up with a clear message at the deadline.
  const watchdog = setTimeout(() => {
    process.stderr.write(
      `npm run demo: gave up after ${values.timeout} s (use --timeout to allow longer); see .local/logs/demo/ for function logs\n`,
    );
    process.exit(1);
  }, timeoutMs);
  watchdog.unref();
  const deadline = Date.now() + timeoutMs;

  const root = process.cwd();
  const logDir = join(root, '.local', 'logs', 'demo');
  await clearLogs(logDir);
  let stack: LocalStack | undefined;
  try {
    stack = await boot(options, { progress: say, logDir });
    const uploaded = await uploadFolder(stack, join(root, 'samples'), 'DEMO');
    if (uploaded.length === 0) throw new Error('samples/ holds no files to upload');
    say(
      `Uploaded ${uploaded.length} file(s) from samples/ as carrier DEMO; waiting for the ingest function…`,
    );
    const docs = await waitForDocuments(
      stack,
      uploaded.map((u) => u.documentId),
      Math.max(1000, deadline - Date.now() - 5000),
    );
    await stack.waitForIdle(Math.max(1000, deadline - Date.now() - 5000));
    const summary = await summarize(stack, docs, new Map(uploaded.map((u) => [u.documentId, u.fileName])));
    say('');
    say(summaryTable(summary));
    say(`\nFunction logs: ${logDir}`);
    if (summary.deadLettered > 0)
      throw new Error(`${summary.deadLettered} intake message(s) ended in the dead-letter queue`);
    if (json) {
      const { files, ...totals } = summary;
      process.stdout.write(`${JSON.stringify({ ...totals, files })}\n`);
    }
    return 0;
  } finally {
    await stack?.stop().catch(() => undefined);
    clearTimeout(watchdog);
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`npm run demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
