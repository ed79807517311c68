/**
 * Message boundaries of Cargo-IMP text: the manifest message identifiers this system reads,
 * other Cargo-IMP identifiers it skips, and the Type-B envelope lines that may precede a message
 * (`QD SIN05XH` / `.HDQFMQR 200739`, or SITA's `=HEADER … =TEXT` block). See shared/domain.md.
 */

/** Standard message identification of the manifests read here, any version (FFM/4 … FWB/17 …). */
export const MANIFEST_HEADER = /^(FWB|FHL|FFM)\/(\d{1,3})$/;
/** Any other Cargo-IMP message identification (FSU/14, FNA/1 …): skipped, with a warning. */
export const OTHER_HEADER = /^([A-Z]{3})\/(\d{1,3})$/;

export type ManifestType = 'FWB' | 'FHL' | 'FFM';

// Type-B priority + addresses ("QD SIN05XH HDQFMQR"), origin + date/time (".HDQFMQR 200739"),
// teletype start/end of message.
const ADDRESS_LINE = /^[A-Z]{2}( +[A-Z0-9]{7})+$/;
const ORIGIN_LINE = /^\.[A-Z0-9]{7}(\s.*)?$/;
const TELETYPE = /^(ZCZC\b.*|NNNN)$/;
const SITA_FIELD = /^=[A-Z]+/;

/** Removes transmission control characters (SOH, STX, ETX …); a tab counts as a space. */
export function cleanLine(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f]/.test(raw) ? raw.replace(/\t/g, ' ').replace(/[\x00-\x1f\x7f]/g, '') : raw;
}

/**
 * Recognises envelope lines. Stateful because SITA's high-level header is a block of `=NAME`
 * lines with free values under them, closed by `=TEXT`.
 */
export class Envelope {
  private inBlock = false;

  /** True when the (cleaned, right-trimmed) line belongs to an envelope and carries no message data. */
  skip(line: string): boolean {
    if (this.inBlock) {
      if (MANIFEST_HEADER.test(line)) {
        this.inBlock = false;
        return false;
      }
      if (line.startsWith('=TEXT')) this.inBlock = false;
      return true;
    }
    if (SITA_FIELD.test(line)) {
      this.inBlock = !line.startsWith('=TEXT');
      return true;
    }
    return ADDRESS_LINE.test(line) || ORIGIN_LINE.test(line) || TELETYPE.test(line);
  }

  reset(): void {
    this.inBlock = false;
  }
}

/**
 * The first message identification of a document, skipping blank and envelope lines, or
 * undefined when the first meaningful line is something else.
 */
export function firstHeader(
  text: string,
  maxLines = 400,
): { type: ManifestType; version: number } | undefined {
  const envelope = new Envelope();
  let count = 0;
  for (const raw of text.split('\n')) {
    if (++count > maxLines) return undefined;
    const line = cleanLine(raw)
      .trimEnd()
      .replace(/^\uFEFF/, '');
    if (line.trim() === '') continue;
    const m = MANIFEST_HEADER.exec(line.trimStart());
    if (m) return { type: m[1] as ManifestType, version: Number(m[2]) };
    if (envelope.skip(line.trimStart())) continue;
    return undefined;
  }
  return undefined;
}
