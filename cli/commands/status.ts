import type { Command } from 'commander';
import { documentClient } from '../../shared/aws/clients.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import type { DocumentRecord } from '../../shared/store/types.js';
import { formatIssue, issueJson } from '../output.js';
import { useLocalStack } from '../stack.js';

const FINAL = new Set(['accepted', 'partial', 'rejected']);

/** Polls the document status until it is final or the time is up; returns what it last saw. */
export async function waitForDocument(
  tableName: string,
  documentId: string,
  seconds: number,
): Promise<DocumentRecord | undefined> {
  const store = new DynamoIntakeStore(documentClient(), tableName);
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const doc = await store.getDocument(documentId);
    if ((doc && FINAL.has(doc.status)) || Date.now() >= deadline) return doc;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function printStatus(documentId: string, doc: DocumentRecord | undefined, json: boolean): void {
  // Not yet seen by the ingest function: the upload is stored and queued.
  const status = doc?.status ?? 'RECEIVED';
  const counts = doc?.counts ?? { received: 0, accepted: 0, rejected: 0, duplicate: 0 };
  const errors = doc?.errors ?? [];
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        documentId,
        status,
        counts,
        errors: errors.map(issueJson),
        ...(doc
          ? {
              format: doc.format,
              carrierId: doc.carrierId,
              fileName: doc.fileName,
              warnings: doc.warnings.map(issueJson),
              processedAt: doc.processedAt,
            }
          : {}),
      })}\n`,
    );
    return;
  }
  process.stdout.write(
    `document ${documentId}: ${status}${doc ? ` (${doc.format}, ${doc.fileName})` : ''}\n`,
  );
  process.stdout.write(
    `  received ${counts.received}, accepted ${counts.accepted}, rejected ${counts.rejected}, duplicate ${counts.duplicate}\n`,
  );
  for (const e of errors) process.stdout.write(`  ${formatIssue(e)}\n`);
  if (doc?.errorsOmitted)
    process.stdout.write(`  … and ${doc.errorsOmitted} more errors (see the acknowledgement)\n`);
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('print the processing status of an uploaded document (local stack)')
    .argument('<documentId>', 'the id printed by `intake upload`')
    .option('--json', 'print { documentId, status, counts, errors } as JSON')
    .option('--wait [seconds]', 'wait until the document is processed (default 60 s)')
    .action(async (documentId: string, opts: { json?: boolean; wait?: string | boolean }) => {
      const stack = await useLocalStack();
      const seconds = opts.wait === undefined ? 0 : typeof opts.wait === 'string' ? Number(opts.wait) : 60;
      const doc = await waitForDocument(stack.tableName, documentId, seconds);
      printStatus(documentId, doc, Boolean(opts.json));
    });
}
