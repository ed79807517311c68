import type { Issue } from '../../model/issues.js';
import type { DocumentSummary } from '../../intake/process.js';
import { cleanLine, Envelope, MANIFEST_HEADER } from './envelope.js';
import { impLines } from './lines.js';
import { MAX_LINE_BYTES } from './segments.js';

/**
 * Cargo-IMP acknowledgements, as carriers' systems expect them next to the JSON acknowledgement
 * (corpus/reference/awbix-fma-fna-acks.txt):
 *
 *   FMA                FNA/1
 *   ACK/ACCEPTED       ERR/<reason>
 *   FWB/16             FWB/16
 *   157-68076960BSLDOH/T1K40   (echo: message identifier and first data line)
 *
 * FMA when the message was taken whole; FNA when any of its records was refused (the document
 * is `rejected` or `partial`). Lines end with CR LF and stay within 69 characters.
 */

const CRLF = '\r\n';
const MAX_LINE = 69;
/** ERR lines per FNA; the JSON acknowledgement carries every error. */
const MAX_REASONS = 5;

/** One message of an uploaded document: where it starts and the lines echoed back. */
export interface CargoImpMessageHead {
  /** 1-based line of the message identification (FWB/16, FHL/5, FFM/8 …). */
  line: number;
  /** The identification line and the first data line (AWB, MBI or flight line). */
  echo: string[];
}

/**
 * The acknowledgement of a whole document as one message: FMA if `summary.status` is
 * `accepted`, otherwise FNA/1 with the first errors. `messageHead` is the start of the document
 * as received (envelope lines allowed) or already the echo lines.
 */
export function cargoImpAck(summary: DocumentSummary, messageHead: string[]): string {
  const echo = echoLines(messageHead);
  if (summary.status === 'accepted') return fma(echo);
  return fna(reasons(summary.errors, summary.errorsOmitted, summary.status), echo);
}

/**
 * One acknowledgement per message of a multi-message file, separated by a blank line. A message
 * gets FNA when an error points at one of its lines (or at the whole document, line 0).
 */
export function cargoImpAcks(summary: DocumentSummary, messages: CargoImpMessageHead[]): string {
  if (messages.length === 0) return cargoImpAck(summary, []);
  const documentErrors = summary.errors.filter((e) => e.line === 0);
  const lastListed = summary.errors.reduce((max, e) => Math.max(max, e.line), 0);
  const blocks = messages.map((m, i) => {
    const from = i === 0 ? 1 : m.line;
    const to = messages[i + 1]?.line ?? Number.POSITIVE_INFINITY;
    const own = summary.errors.filter((e) => e.line >= from && e.line < to);
    const errors = [...documentErrors, ...own];
    // Past the issue cap the summary no longer lists every error: do not claim acceptance.
    const unlisted = summary.errorsOmitted > 0 && to > lastListed;
    if (errors.length === 0 && !unlisted) return fma(m.echo);
    return fna(reasons(errors, unlisted ? summary.errorsOmitted : 0, 'rejected'), m.echo);
  });
  return blocks.join(CRLF);
}

/**
 * Scans a document for its FWB/FHL/FFM messages (streaming, bounded to `max` messages), so that
 * `cargoImpAcks` can answer each. Read the stored object again: Cargo-IMP files are small.
 */
export async function cargoImpMessageHeads(
  chunks: AsyncIterable<Buffer>,
  max = 10_000,
): Promise<CargoImpMessageHead[]> {
  const heads: CargoImpMessageHead[] = [];
  let pending: CargoImpMessageHead | null = null;
  // As the reader reads them: a line over the limit is skipped (its head kept), not fatal.
  for await (const { n, text } of impLines(chunks, { maxLineBytes: MAX_LINE_BYTES })) {
    const t = cleanLine(n === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (t === '') continue;
    if (MANIFEST_HEADER.test(t)) {
      if (heads.length >= max) break;
      pending = { line: n, echo: [t] };
      heads.push(pending);
      continue;
    }
    if (pending) pending.echo.push(echoData(t));
    pending = null;
  }
  return heads;
}

/** Echo lines from the start of a message: its identification and first data line. */
export function echoLines(head: string[]): string[] {
  const envelope = new Envelope();
  const out: string[] = [];
  for (const raw of head) {
    const t = cleanLine(raw).trim();
    if (t === '') continue;
    if (out.length === 0) {
      if (MANIFEST_HEADER.test(t)) out.push(t);
      else if (!envelope.skip(t)) out.push(t.slice(0, MAX_LINE));
      continue;
    }
    out.push(echoData(t));
    break;
  }
  return out;
}

/** The AWB line echoed as in the reference: AWB, origin/destination, pieces and weight. */
function echoData(t: string): string {
  const awb = /^(\d{3}-\d{8}[A-Z]{3,6}\/[TPSD]\d+[KL]\d+(?:[.,]\d+)?)/.exec(t);
  return (awb ? awb[1]! : t).slice(0, MAX_LINE);
}

function fma(echo: string[]): string {
  return ['FMA', 'ACK/ACCEPTED', ...echo].join(CRLF) + CRLF;
}

function fna(reasonLines: string[], echo: string[]): string {
  return ['FNA/1', ...reasonLines, ...echo].join(CRLF) + CRLF;
}

function reasons(errors: Issue[], omitted: number, status: DocumentSummary['status']): string[] {
  const out = errors
    .slice(0, MAX_REASONS)
    .map((e) => errLine(`${e.code}${e.line > 0 ? ` LINE ${e.line}` : ''} ${e.message}`));
  const more = errors.length - out.length + omitted;
  if (more > 0) out.push(errLine(`${more} MORE ERRORS - SEE THE JSON ACKNOWLEDGEMENT`));
  if (out.length === 0)
    out.push(errLine(status === 'partial' ? 'PART OF THE MESSAGE WAS REFUSED' : 'MESSAGE REFUSED'));
  return out;
}

/** `ERR/` + upper-case text in the Cargo-IMP character set, no slashes, at most 69 characters. */
function errLine(text: string): string {
  const clean = text
    .toUpperCase()
    .replace(/[^A-Z0-9 .,\-_()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const line = `ERR/${clean}`;
  if (line.length <= MAX_LINE) return line;
  // Cut at a word boundary when one is near, so the reason stays readable.
  const cut = line.slice(0, MAX_LINE + 1);
  const space = cut.lastIndexOf(' ');
  return (space > MAX_LINE - 20 ? cut.slice(0, space) : cut.slice(0, MAX_LINE)).trimEnd();
}
