import type { Writable } from 'node:stream';
import type { Consignment } from '../shared/model/consignment.js';
import type { Issue } from '../shared/model/issues.js';

/** Writes with back-pressure, so a million-record JSON stream never piles up in memory. */
export async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

export function formatIssue(i: Issue): string {
  const where = i.line > 0 ? `line ${i.line}` : 'document';
  const field = i.field ? ` [${i.field}]` : '';
  return `${where}: ${i.severity === 'warning' ? 'warning' : 'error'} ${i.code}${field}: ${i.message}`;
}

/** Issues as printed in JSON: the public fields code, line, message (+ field, severity). */
export function issueJson(i: Issue): Record<string, unknown> {
  return {
    code: i.code,
    line: i.line,
    message: i.message,
    ...(i.field ? { field: i.field } : {}),
    severity: i.severity,
  };
}

export function describeConsignment(c: Consignment): string {
  const ref = [c.awb, c.hawb, c.parcelId].filter(Boolean).join(' / ') || '(no reference)';
  const route = c.origin || c.destination ? ` ${c.origin ?? '???'}→${c.destination ?? '???'}` : '';
  return `${c.kind.padEnd(6)} ${ref}${route}  ${c.pieces} pc  ${c.weightKg} kg  ${c.description}  (line ${c.source.line})`;
}

export function fail(message: string): never {
  throw new Error(message);
}
