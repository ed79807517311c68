import { describe, expect, it } from 'vitest';
import {
  cargoImpAck,
  cargoImpAcks,
  cargoImpMessageHeads,
  echoLines,
} from '../../shared/formats/cargo-imp/ack.js';
import { bufferChunks } from '../../shared/intake/process.js';
import { edit, fixture, run } from '../fixtures/cargo-imp/helpers.js';

/** The reference acknowledgements (corpus/reference/awbix-fma-fna-acks.txt), CR LF line ends. */
const REFERENCE_FMA = 'FMA\r\nACK/ACCEPTED\r\nFWB/16\r\n157-68076960BSLDOH/T1K40\r\n';
const AWBIX_FWB = 'FWB/16\r\n157-68076960BSLDOH/T1K40MC0.36\r\nRTG/ZRHQR/DOHQR\r\n';

function checkShape(ack: string): string[] {
  expect(ack.endsWith('\r\n')).toBe(true);
  const lines = ack.slice(0, -2).split('\r\n');
  for (const l of lines) {
    expect(l.length).toBeLessThanOrEqual(69);
    expect(l).not.toMatch(/\n|\r/);
  }
  return lines;
}

describe('Cargo-IMP acknowledgements (FMA / FNA)', () => {
  it('FMA for an accepted message echoes its identifier and AWB line as in the reference', async () => {
    const text = fixture('fwb16.txt');
    const { summary } = await run(text);
    expect(summary.status).toBe('accepted');
    const ack = cargoImpAck(summary, text.split('\n').slice(0, 10));
    expect(checkShape(ack)).toEqual(['FMA', 'ACK/ACCEPTED', 'FWB/16', '176-12345675FRAJFK/T3K125.5']);
    // The reference literal, from the awbix sample's head.
    expect(cargoImpAck(summary, AWBIX_FWB.split('\r\n'))).toBe(REFERENCE_FMA);
  });

  it('FNA/1 for a refused message: one ERR line per error (code, line, reason), then the echo', async () => {
    const text = edit(fixture('fwb16.txt'), '176-12345675FRAJFK', '176-12345676FRAJFK');
    const { summary } = await run(text);
    expect(summary.status).toBe('rejected');
    const lines = checkShape(cargoImpAck(summary, text.split('\n')));
    expect(lines[0]).toBe('FNA/1');
    expect(lines[1]).toMatch(/^ERR\/AWB_CHECK_DIGIT LINE 2 AWB 176-12345676 /);
    expect(lines[1]!.slice(4)).not.toContain('/');
    expect(lines.slice(2)).toEqual(['FWB/16', '176-12345676FRAJFK/T3K125.5']);
  });

  it('FNA for a partial document, with at most five reasons and a pointer to the JSON ack', async () => {
    const text = fixture('fhl5.txt').replace(/\/GB\/W1S 1AB|\/GB\/HA1 2AA/g, '/XQ');
    const { summary } = await run(
      `${text}\n${fixture('fhl4.txt').replace('/US/10118', '/XQ/10118').replace('/SG/486547', '/XR')}`,
    );
    expect(summary.errors.length).toBe(4);
    const many = { ...summary, status: 'partial' as const, errorsOmitted: 3 };
    const lines = checkShape(cargoImpAck(many, ['FHL/5', 'MBI/176-23456786DXBLHR/T4K150']));
    expect(lines[0]).toBe('FNA/1');
    expect(lines.filter((l) => l.startsWith('ERR/'))).toHaveLength(5);
    expect(lines).toContain('ERR/3 MORE ERRORS - SEE THE JSON ACKNOWLEDGEMENT');
    expect(lines.slice(-2)).toEqual(['FHL/5', 'MBI/176-23456786DXBLHR/T4K150']);
  });

  it('an unreadable document gets FNA with UNKNOWN_FORMAT', async () => {
    const { summary } = await run('hello, this is not a manifest\n');
    const lines = checkShape(cargoImpAck(summary, ['hello, this is not a manifest']));
    expect(lines[0]).toBe('FNA/1');
    expect(lines[1]).toMatch(/^ERR\/UNKNOWN_FORMAT THE DOCUMENT IS NOT A MANIFEST/);
    expect(lines[2]).toBe('hello, this is not a manifest');
  });

  it('several messages: one acknowledgement each, FNA only where an error points', async () => {
    const bad = edit(fixture('fhl5.txt'), 'MBI/176-23456786', 'MBI/176-23456785');
    const text = `${fixture('fwb16.txt')}\n${bad}\n${fixture('ffm7.txt')}`;
    const { summary } = await run(text);
    expect(summary.status).toBe('partial');
    const heads = await cargoImpMessageHeads(bufferChunks(text.replace(/\n/g, '\r\n'), 5));
    expect(heads).toEqual([
      { line: 1, echo: ['FWB/16', '176-12345675FRAJFK/T3K125.5'] },
      { line: 42, echo: ['FHL/5', 'MBI/176-23456785DXBLHR/T4K150'] },
      { line: 71, echo: ['FFM/7', '1/CV7401/14MAR/LUX'] },
    ]);
    const blocks = cargoImpAcks(summary, heads).split('\r\n\r\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toBe('FMA\r\nACK/ACCEPTED\r\nFWB/16\r\n176-12345675FRAJFK/T3K125.5');
    expect(blocks[1]).toMatch(
      /^FNA\/1\r\nERR\/AWB_CHECK_DIGIT LINE 43 .*\r\nERR\/AWB_CHECK_DIGIT LINE 43 .*\r\nFHL\/5\r\n/,
    );
    expect(blocks[2]).toBe('FMA\r\nACK/ACCEPTED\r\nFFM/7\r\n1/CV7401/14MAR/LUX\r\n');
  });

  it('echo lines skip a Type-B envelope and blank lines', () => {
    expect(echoLines(['QD FRAFMLH', '.HDQFMQR 120915', '', 'FFM/8', '1/LH400/13MAR/FRA', 'JFK'])).toEqual([
      'FFM/8',
      '1/LH400/13MAR/FRA',
    ]);
    expect(echoLines([])).toEqual([]);
  });
});
