import type { FormatReader, ReadItem, ReadOptions } from '../types.js';
import { stripBom } from '../stream.js';
import {
  cleanLine,
  Envelope,
  firstHeader,
  MANIFEST_HEADER,
  OTHER_HEADER,
  type ManifestType,
} from './envelope.js';
import { FfmParser } from './ffm.js';
import { FhlParser } from './fhl.js';
import { FwbParser } from './fwb.js';
import { impLines } from './lines.js';
import {
  LinkIndex,
  looksLikeContent,
  MAX_LINE_BYTES,
  tooLongIssue,
  warn,
  type MessageParser,
  type Sink,
} from './segments.js';

/** The Cargo-IMP line length limit; longer lines occur in real traffic and are only a warning. */
export const MAX_LINE_CHARS = 69;

function makeParser(
  type: ManifestType,
  version: number,
  line: number,
  sink: Sink,
  links: LinkIndex,
): MessageParser {
  const ctx = { sink, links, messageType: `${type}/${version}`, version, headerLine: line };
  if (type === 'FWB') return new FwbParser(ctx);
  if (type === 'FHL') return new FhlParser(ctx);
  return new FfmParser(ctx);
}

/**
 * Cargo-IMP text: FWB, FHL and FFM messages, any version, optionally behind a Type-B envelope,
 * several per file. Streams line by line: memory is bounded by one message's parsed state.
 * Lines are UTF-8, or Windows-1252 when their bytes are not UTF-8 (see lines.ts). A line over
 * MAX_LINE_BYTES is skipped unread and rejects the record it belongs to (RECORD_TOO_LARGE);
 * reading goes on after it.
 */
export const cargoImpReader: FormatReader = {
  id: 'cargo-imp',
  label: 'Cargo-IMP (FWB/FHL/FFM)',

  detect(head: Buffer): boolean {
    // Cargo-IMP is ASCII; latin1 decoding never fails on stray bytes.
    return firstHeader(stripBom(head).toString('latin1')) !== undefined;
  },

  async *read(chunks: AsyncIterable<Buffer>, _options: ReadOptions): AsyncGenerator<ReadItem> {
    const out: ReadItem[] = [];
    const sink: Sink = {
      record: (record) => out.push({ type: 'record', record }),
      issue: (issue) => out.push({ type: 'issue', issue }),
    };
    const links = new LinkIndex();
    const envelope = new Envelope();
    let msg: MessageParser | null = null;
    let skipping = false; // inside a Cargo-IMP message of another type (FSU …)
    let afterBlank = true;
    let strayWarned = false;

    const end = () => {
      msg?.finish();
      msg = null;
    };

    for await (const { n, text, overlong } of impLines(chunks, { maxLineBytes: MAX_LINE_BYTES })) {
      const raw = cleanLine(n === 1 ? text.replace(/^\uFEFF/, '') : text);
      if (overlong !== undefined) {
        // Only its head was kept: enough to tell whose line it is. That record is rejected.
        const head = raw.trim();
        const boundary = afterBlank;
        afterBlank = false;
        if (msg && (!boundary || looksLikeContent(head))) msg.tooLong(n, head, overlong);
        else {
          end();
          if (!skipping) sink.issue(tooLongIssue(n, overlong));
        }
        for (const item of out) yield item;
        out.length = 0;
        continue;
      }
      if (raw.length > MAX_LINE_CHARS)
        sink.issue(
          warn(
            'LINE_TOO_LONG',
            n,
            `line ${n} has ${raw.length} characters; Cargo-IMP allows ${MAX_LINE_CHARS}`,
          ),
        );
      const t = raw.trim();
      if (t === '') {
        afterBlank = true;
        continue;
      }
      const boundary = afterBlank;
      afterBlank = false;

      const header = MANIFEST_HEADER.exec(t);
      if (header) {
        end();
        skipping = false;
        strayWarned = false;
        envelope.reset();
        msg = makeParser(header[1] as ManifestType, Number(header[2]), n, sink, links);
      } else if ((!msg || boundary) && envelope.skip(t)) {
        end();
        skipping = false;
      } else if ((!msg || boundary) && OTHER_HEADER.test(t)) {
        end();
        skipping = true;
        sink.issue(
          warn('UNKNOWN_SEGMENT', n, `line ${n}: message ${t} is not a manifest (FWB, FHL, FFM); skipped`),
        );
      } else if (msg && (!boundary || looksLikeContent(t))) {
        msg.line(n, raw);
        if (msg.ended) end();
      } else {
        end();
        if (!skipping && !strayWarned) {
          strayWarned = true;
          sink.issue(
            warn('UNKNOWN_SEGMENT', n, `line ${n}: text outside an FWB, FHL or FFM message; ignored`),
          );
        }
      }
      if (out.length > 0) {
        for (const item of out) yield item;
        out.length = 0;
      }
    }
    end();
    for (const item of out) yield item;
  },
};
