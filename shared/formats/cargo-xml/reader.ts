import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { DocumentError, issue, type IssueCode } from '../../model/issues.js';
import { MAX_RECORD_TEXT } from '../../validation/validate.js';
import type { FormatReader, ReadItem, ReadOptions } from '../types.js';
import { ConsignmentCollector, toDraftRecord, type Frame, type XmlContext } from './consignment.js';
import { detectCargoXml, localName, rootFamily } from './detect.js';
import { EncodingFault, openDecoder, type OpenedDecoder, type XmlDecoder } from './encoding.js';

/** Deepest element nesting accepted; real Cargo-XML stays under 15 levels. */
export const MAX_XML_DEPTH = 100;
/** Longest run of text, comment, CDATA or attribute value the parser may buffer (characters). */
export const MAX_XML_TEXT = 1024 * 1024;
/** Most attributes on one element. */
export const MAX_XML_ATTRIBUTES = 256;
/**
 * Characters of one element's text kept outside a consignment (header, master, flight: codes and
 * ids, whose longer values are cut). Inside a consignment nothing is cut: its text is bounded as a
 * whole by MAX_RECORD_TEXT, and a consignment past it is rejected with RECORD_TOO_LARGE.
 */
const MAX_CONTEXT_CHARS = 64 * 1024;
/** Characters of an element kept once its consignment is too large: enough for its numbers. */
const MAX_ID_CHARS = 64;
/** Direct leaf children remembered per open element. */
const MAX_FIELDS_PER_ELEMENT = 64;
/** Characters handed to the parser at once, so the buffer checks run often. */
const SLICE_CHARS = 64 * 1024;

function fail(code: IssueCode, line: number, message: string): never {
  throw new DocumentError(issue(code, line, message));
}

/** saxes keeps its pending buffers in fields it does not export; read them to bound memory. */
interface SaxesBuffers {
  text?: string;
  entity?: string;
  name?: string;
  piTarget?: string;
  attribList?: unknown[];
}

/** The consignment being collected: its element depth and the characters of text it keeps. */
interface RecordState {
  collector: ConsignmentCollector;
  depth: number;
  chars: number;
}

/**
 * Streaming state: the stack of open elements (each keeping only its direct leaf children),
 * the document context (header, master, flight) and the consignment being collected.
 * Finished records queue in `out` until the reader yields them.
 */
class XmlState {
  readonly stack: Frame[] = [];
  ctx: XmlContext | undefined;
  record: RecordState | undefined;
  readonly out: ReadItem[] = [];

  open(tag: SaxesTagPlain, line: number): void {
    if (this.stack.length >= MAX_XML_DEPTH)
      fail('UNSAFE_XML', line, `elements are nested deeper than ${MAX_XML_DEPTH} levels`);
    const local = localName(tag.name);
    const parent = this.stack.at(-1);
    if (parent) {
      if (this.record && !this.record.collector.tooLarge && /\S/.test(parent.text)) this.mixed(parent);
      parent.hasChildren = true;
      parent.text = '';
    }
    this.stack.push({ local, line, attrs: tag.attributes, text: '', hasChildren: false, fields: undefined });
    if (this.stack.length === 1) {
      const family = rootFamily(tag.name);
      if (!family)
        fail(
          'PARSE_ERROR',
          line,
          `root element <${tag.name}> is not a Cargo-XML waybill, house waybill, house manifest or flight manifest`,
        );
      this.ctx = { family };
      return;
    }
    const ctx = this.ctx!;
    const depth = this.stack.length - 1;
    if (this.record) {
      // Attribute values are text the record holds too (kept with its leaves).
      let chars = 0;
      for (const key in tag.attributes) chars += key.length + tag.attributes[key]!.length;
      this.charge(chars, local, line);
      return;
    }
    if (this.isRecordStart(ctx.family, depth, local)) {
      this.record = { collector: new ConsignmentCollector(line), depth, chars: 0 };
      return;
    }
    if (ctx.family === 'flight') {
      if (depth === 1 && local === 'ArrivalEvent') {
        ctx.unloadingPoint = undefined;
        ctx.cargoType = ctx.uld = ctx.uldOwner = undefined;
      } else if (local === 'AssociatedTransportCargo') {
        ctx.cargoType = ctx.uld = ctx.uldOwner = undefined;
      }
    }
  }

  text(t: string): void {
    const frame = this.stack.at(-1);
    if (!frame) return;
    const record = this.record;
    if (!record) {
      if (frame.text.length < MAX_CONTEXT_CHARS)
        frame.text += t.slice(0, MAX_CONTEXT_CHARS - frame.text.length);
      return;
    }
    // Past the bound, text is no longer kept (the record will be rejected whole, never cut) but
    // for the first characters of each element, enough to name the record by its numbers.
    if (record.collector.tooLarge) {
      if (frame.text.length < MAX_ID_CHARS) frame.text += t.slice(0, MAX_ID_CHARS - frame.text.length);
      return;
    }
    if (record.chars + frame.text.length + t.length > MAX_RECORD_TEXT) {
      this.tooLarge(frame.local, frame.line);
      return;
    }
    frame.text += t;
  }

  close(): void {
    const frame = this.stack.pop();
    if (!frame) return;
    const depth = this.stack.length;
    const parent = this.stack.at(-1);
    const record = this.record;
    if (record && !record.collector.tooLarge && frame.hasChildren && /\S/.test(frame.text)) this.mixed(frame);
    if (parent && !frame.hasChildren) {
      // A leaf's text is kept (in its parent's fields, in the collector): the record pays for it.
      if (record && depth > record.depth) this.charge(frame.text.length, frame.local, frame.line);
      if (!record?.collector.tooLarge) {
        const fields = (parent.fields ??= new Map());
        if (fields.size < MAX_FIELDS_PER_ELEMENT && !fields.has(frame.local))
          fields.set(frame.local, { text: frame.text, attrs: frame.attrs, line: frame.line });
      }
    }
    if (record) {
      if (depth === record.depth) {
        this.out.push({ type: 'record', record: toDraftRecord(record.collector, this.ctx!) });
        this.record = undefined;
      } else {
        const path = this.stack.slice(record.depth + 1).map((f) => f.local);
        path.push(frame.local);
        if (record.collector.tooLarge) record.collector.onIdentity(path, frame);
        else record.collector.onClose(path, frame);
      }
      return;
    }
    if (depth === 0 || !this.ctx) return;
    const path = this.stack.slice(1).map((f) => f.local);
    path.push(frame.local);
    this.contextClose(path.join('/'), frame);
  }

  /** Counts characters the record keeps; past MAX_RECORD_TEXT the record stops keeping any. */
  private charge(chars: number, local: string, line: number): void {
    const record = this.record!;
    if (record.collector.tooLarge) return;
    record.chars += chars;
    if (record.chars > MAX_RECORD_TEXT) this.tooLarge(local, line);
  }

  private tooLarge(local: string, line: number): void {
    const record = this.record!;
    record.collector.tooLarge = { line, element: local };
    // Drop what was kept: the record is rejected unread, and memory stays bounded.
    for (let i = record.depth; i < this.stack.length; i++) {
      const f = this.stack[i]!;
      f.text = '';
      f.fields = undefined;
    }
  }

  /** Cargo-XML has no mixed content: text beside child elements would not be read, so say so. */
  private mixed(frame: Frame): void {
    this.record!.collector.reject(
      'PARSE_ERROR',
      frame.line,
      `line ${frame.line}: element <${frame.local}> holds text beside child elements (mixed content is not Cargo-XML); its text "${frame.text.trim().replace(/\s+/g, ' ').slice(0, 80)}" cannot be read`,
    );
  }

  private isRecordStart(family: XmlContext['family'], depth: number, local: string): boolean {
    if (family === 'waybill') return depth === 1 && local === 'MasterConsignment';
    if (family === 'flight')
      return local === 'IncludedMasterConsignment' || (depth === 1 && local === 'MasterConsignment');
    return local === 'IncludedHouseConsignment';
  }

  private contextClose(path: string, frame: Frame): void {
    const ctx = this.ctx!;
    const value = frame.text.trim();
    const leaf = { text: frame.text, attrs: frame.attrs, line: frame.line };
    switch (path) {
      case 'MessageHeaderDocument/TypeCode':
        ctx.typeCode = value;
        return;
      case 'BusinessHeaderDocument/ID':
        ctx.headerId = leaf;
        return;
    }
    if (ctx.family === 'house' || ctx.family === 'manifest') {
      if (path === 'MasterConsignment/TransportContractDocument/ID') ctx.masterAwb = leaf;
      else if (path === 'MasterConsignment/OriginLocation/ID') ctx.masterOrigin = leaf;
      else if (path === 'MasterConsignment/FinalDestinationLocation/ID') ctx.masterDestination = leaf;
      return;
    }
    if (ctx.family !== 'flight') return;
    if (path === 'LogisticsTransportMovement/ID') ctx.flight = value;
    else if (path === 'LogisticsTransportMovement/DepartureEvent/OccurrenceDepartureLocation/ID')
      ctx.loadingPoint = value;
    else if (
      path === 'LogisticsTransportMovement/DepartureEvent/DepartureOccurrenceDateTime' ||
      path === 'LogisticsTransportMovement/DepartureEvent/ScheduledOccurrenceDateTime'
    )
      ctx.flightDate ??= value;
    else if (path === 'ArrivalEvent/OccurrenceArrivalLocation/ID') ctx.unloadingPoint = value;
    else if (path.endsWith('AssociatedTransportCargo/TypeCode')) ctx.cargoType = value;
    else if (path.endsWith('UtilizedUnitLoadTransportEquipment/OperatingParty/PrimaryID'))
      ctx.uldOwner = value;
    else if (path.endsWith('AssociatedTransportCargo/UtilizedUnitLoadTransportEquipment')) {
      const type = frame.fields?.get('CharacteristicCode')?.text.trim() ?? '';
      const id = frame.fields?.get('ID')?.text.trim() ?? '';
      ctx.uld = type || id ? `${type}${id}` : undefined;
    }
  }
}

function classifySaxesError(err: Error, line: number, column: number): DocumentError {
  // saxes prefixes "file:line:column: "; keep the message itself.
  const message = err.message.replace(/^[^:]*:\d+:\d+: /, '');
  if (/entity/i.test(message))
    return new DocumentError(
      issue(
        'UNSAFE_XML',
        line,
        `line ${line}: entity references other than the five predefined XML entities and character references are not accepted (${message})`,
      ),
    );
  if (/doctype/i.test(message))
    return new DocumentError(
      issue('UNSAFE_XML', line, `line ${line}: DOCTYPE declarations are not accepted`),
    );
  return new DocumentError(
    issue('PARSE_ERROR', line, `XML is not well-formed at line ${line}, column ${column}: ${message}`),
  );
}

/**
 * Cargo-XML (XFWB 3.00 master/direct, XFZB 3.00 house, XFHL house manifest, XFFM flight manifest).
 * Streams with saxes: no DOM, only the current consignment's state. Safe XML: any DOCTYPE is
 * rejected (UNSAFE_XML), so there is no DTD, no external entity and no entity expansion; only the
 * five predefined entities and character references are decoded; nesting, text and attribute
 * sizes are bounded.
 */
export const cargoXmlReader: FormatReader = {
  id: 'cargo-xml',
  label: 'Cargo-XML (XFWB/XFZB/XFHL/XFFM)',

  detect: detectCargoXml,

  async *read(chunks: AsyncIterable<Buffer>, _options: ReadOptions): AsyncGenerator<ReadItem> {
    const state = new XmlState();
    const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
    const buffers = parser as unknown as SaxesBuffers;
    parser.on('error', (err) => {
      throw classifySaxesError(err, parser.line, parser.column);
    });
    parser.on('doctype', (text) => {
      const start = Math.max(1, parser.line - (text.match(/\n/g)?.length ?? 0));
      fail(
        'UNSAFE_XML',
        start,
        `line ${start}: DOCTYPE/DTD declarations are not accepted (no external or internal entities are ever resolved)`,
      );
    });
    parser.on('opentag', (tag) => {
      const attrs = Object.keys(tag.attributes).length;
      if (attrs > MAX_XML_ATTRIBUTES)
        fail(
          'UNSAFE_XML',
          parser.line,
          `line ${parser.line}: an element has more than ${MAX_XML_ATTRIBUTES} attributes`,
        );
      state.open(tag, parser.line);
    });
    parser.on('closetag', () => state.close());
    parser.on('text', (t) => state.text(t));
    parser.on('cdata', (t) => state.text(t));

    const guard = () => {
      const longest = Math.max(
        buffers.text?.length ?? 0,
        buffers.name?.length ?? 0,
        buffers.piTarget?.length ?? 0,
      );
      if (longest > MAX_XML_TEXT)
        fail(
          'UNSAFE_XML',
          parser.line,
          `line ${parser.line}: a text, comment, CDATA section or name is longer than ${MAX_XML_TEXT} characters`,
        );
      if ((buffers.entity?.length ?? 0) > 256)
        fail('UNSAFE_XML', parser.line, `line ${parser.line}: an entity reference is not terminated`);
      if ((buffers.attribList?.length ?? 0) > MAX_XML_ATTRIBUTES)
        fail(
          'UNSAFE_XML',
          parser.line,
          `line ${parser.line}: an element has more than ${MAX_XML_ATTRIBUTES} attributes`,
        );
    };
    const feed = (text: string) => {
      for (let i = 0; i < text.length; i += SLICE_CHARS) {
        parser.write(text.slice(i, i + SLICE_CHARS));
        guard();
      }
    };
    // Decodes and parses; at a byte not in the encoding, the text before it is parsed first, so
    // the error names the bad byte's own line and the consignments completed before it are kept.
    const decodeFeed = (decode: () => string): void => {
      let text: string;
      try {
        text = decode();
      } catch (error) {
        if (!(error instanceof EncodingFault)) throw error;
        feed(error.before);
        const how = opened!.by === 'default' ? 'it declares no encoding' : `by its ${opened!.by}`;
        fail(
          'ENCODING',
          parser.line,
          `line ${parser.line}: ${error.message}; the document is read as ${opened!.name} (${how}), and its consignments completed before this line are kept`,
        );
      }
      feed(text);
    };

    // Runs one step and hands over the records it completed, even when the step then fails.
    const step = function* (run: () => void): Generator<ReadItem> {
      let failure: unknown;
      try {
        run();
      } catch (error) {
        failure = error;
      }
      if (state.out.length > 0) yield* state.out.splice(0);
      if (failure === undefined) return;
      if (failure instanceof DocumentError) throw failure;
      // Anything else escaping the parser must still end this document alone, with a line.
      const message = failure instanceof Error ? failure.message : String(failure);
      fail('PARSE_ERROR', parser.line, `XML could not be read at line ${parser.line}: ${message}`);
    };

    let decoder: XmlDecoder | undefined;
    let opened: OpenedDecoder | undefined;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const start = (first: Buffer) => {
      const o = openDecoder(first);
      opened = o;
      const d = o.decoder;
      decoder = d;
      decodeFeed(() => d.write(first.subarray(o.skip)));
    };
    for await (const chunk of chunks) {
      if (decoder) {
        const d = decoder;
        yield* step(() => decodeFeed(() => d.write(chunk)));
        continue;
      }
      // Wait for enough bytes to read the XML declaration's encoding.
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < 512) continue;
      const first = Buffer.concat(pending);
      pending = [];
      yield* step(() => start(first));
    }
    if (!decoder) yield* step(() => start(Buffer.concat(pending)));
    yield* step(() => {
      const d = decoder!;
      decodeFeed(() => d.end());
      parser.close();
    });
  },
};
