import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { s3Client } from '../../shared/aws/clients.js';
import { newDocumentId, objectKey } from '../../shared/intake/object-key.js';
import { useLocalStack } from '../stack.js';
import { reportStatus, waitForDocument, waitSeconds } from './status.js';
import { mustBeFile } from './validate.js';

export function registerUpload(program: Command): void {
  program
    .command('upload')
    .description('upload a manifest to the local stack (npm start) under a carrier; prints its documentId')
    .argument('<file>', 'manifest file')
    .requiredOption('--carrier <id>', 'carrier id the upload is filed under')
    .option('--json', 'print { documentId, carrierId, bucket, key } as JSON')
    .option('--wait [seconds]', 'wait until the document is processed and print its status')
    .action(async (file: string, opts: { carrier: string; json?: boolean; wait?: string | boolean }) => {
      await mustBeFile(file);
      const seconds = waitSeconds(opts.wait);
      const stack = await useLocalStack();
      const documentId = newDocumentId();
      const key = objectKey(opts.carrier, documentId, basename(file));
      await s3Client().send(
        new PutObjectCommand({ Bucket: stack.rawBucket, Key: key, Body: await readFile(file) }),
      );
      const receipt = { documentId, carrierId: opts.carrier, bucket: stack.rawBucket, key };
      if (seconds === undefined) {
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(receipt)}\n`
            : `uploaded ${file} as document ${documentId} (s3://${stack.rawBucket}/${key})\n`,
        );
        return;
      }
      if (!opts.json)
        process.stdout.write(`uploaded ${file} as document ${documentId}; waiting for processing…\n`);
      const doc = await waitForDocument(stack.tableName, documentId, seconds);
      reportStatus(documentId, doc, Boolean(opts.json), seconds);
    });
}
