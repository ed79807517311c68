import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAge, humanize, sortQueue } from '../../web/src/format.js';
import { fieldRelation, fold, planHighlights, type Segment } from '../../web/src/highlight.js';
import { shortcutFor } from '../../web/src/shortcuts.js';

/** The console's pure parts (no browser): evidence highlighting, formatting, shortcut mapping. */

const marked = (segs: Segment[]) => segs.filter((s) => s.flags.length > 0).map((s) => s.text);

describe('evidence highlighting', () => {
  it('marks the evidence text in its own field only', () => {
    const [desc, name] = planHighlights(
      [
        { path: 'description', text: 'Steel parts, hunting rifle receiver' },
        { path: 'consignee.name', text: 'Rifle Receiver Ltd' },
      ],
      [{ field: 'description', text: 'rifle receiver' }],
    );
    expect(desc).toEqual([
      { text: 'Steel parts, hunting ', flags: [] },
      { text: 'rifle receiver', flags: [0] },
    ]);
    expect(marked(name ?? [])).toEqual([]);
  });

  it('matches without case, accents or punctuation and keeps the original spelling', () => {
    const [name] = planHighlights(
      [{ path: 'shipper.name', text: 'Acme Tráding L.L.C. (Dubai)' }],
      [{ field: 'shipper.name', text: 'ACME TRADING LLC' }],
    );
    expect(marked(name ?? [])).toEqual(['Acme Tráding L.L.C']);
    const [again] = planHighlights(
      [{ path: 'shipper.name', text: 'Acme Tráding L.L.C. (Dubai)' }],
      [{ field: 'shipper.name', text: 'acme trading l.l.c' }],
    );
    expect(marked(again ?? [])).toEqual(['Acme Tráding L.L.C']);
  });

  it('marks the whole value of the flag’s field when the text is not found (approximate match)', () => {
    const [name, desc] = planHighlights(
      [
        { path: 'consignee.name', text: 'Acme Trading LLC' },
        { path: 'description', text: 'toys' },
      ],
      [{ field: 'consignee.name', text: 'ACME TRADING COMPANY' }],
    );
    expect(name).toEqual([{ text: 'Acme Trading LLC', flags: [0] }]);
    expect(marked(desc ?? [])).toEqual([]);
  });

  it('marks only the matching entry of a list field and every occurrence', () => {
    const plan = planHighlights(
      [
        { path: 'hsCodes', text: '930320' },
        { path: 'hsCodes', text: '610910' },
        { path: 'description', text: 'gun oil and gun cleaning kit' },
      ],
      [
        { field: 'hsCodes', text: '930320' },
        { field: 'description', text: 'gun' },
      ],
    );
    expect(plan.map(marked)).toEqual([['930320'], [], ['gun', 'gun']]);
  });

  it('merges overlapping evidence of several flags', () => {
    const [desc] = planHighlights(
      [{ path: 'description', text: 'ammonium nitrate fertiliser' }],
      [
        { field: 'description', text: 'ammonium nitrate' },
        { field: 'description', text: 'nitrate fertiliser' },
      ],
    );
    expect(desc).toEqual([
      { text: 'ammonium ', flags: [0] },
      { text: 'nitrate', flags: [0, 1] },
      { text: ' fertiliser', flags: [1] },
    ]);
  });

  it('relates a parent evidence field to its parts', () => {
    expect(fieldRelation('consignee', 'consignee.name')).toBe('parent');
    expect(fieldRelation('hsCodes[1]', 'hsCodes')).toBe('same');
    expect(fieldRelation('parties', 'notify.name')).toBe('parent');
    expect(fieldRelation('description', 'consignee.name')).toBeNull();
  });

  it('never loses or reorders text, whatever the evidence', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.record({ field: fc.constant('description'), text: fc.string() }), { maxLength: 4 }),
        (text, evidence) => {
          const [segs] = planHighlights([{ path: 'description', text }], evidence);
          expect((segs ?? []).map((s) => s.text).join('')).toBe(text);
        },
      ),
    );
  });

  it('maps folded positions back to the original text', () => {
    const f = fold("  Ça, l'va!  ");
    expect(f.text).toBe('ca lva');
    expect(f.map.map(([a, b]) => "  Ça, l'va!  ".slice(a, b))).toEqual(['Ç', 'a', ',', 'l', 'v', 'a']);
  });
});

describe('formatting', () => {
  it('writes ages briefly', () => {
    expect([45, 720, 3 * 3600 + 5 * 60, 2 * 86400 + 4 * 3600].map(formatAge)).toEqual([
      '45s',
      '12m',
      '3h 05m',
      '2d 4h',
    ]);
    expect(formatAge(null)).toBe('—');
  });

  it('humanizes codes', () => {
    expect(humanize('DO_NOT_LOAD')).toBe('Do not load');
    expect(humanize('IN_REVIEW')).toBe('In review');
  });

  it('sorts by score then age, or by age then score', () => {
    const items = [
      { id: 'a', riskScore: 60, age: 10 },
      { id: 'b', riskScore: 90, age: 5 },
      { id: 'c', riskScore: 90, age: 50 },
    ];
    expect(sortQueue(items, 'score').map((i) => i.id)).toEqual(['c', 'b', 'a']);
    expect(sortQueue(items, 'age').map((i) => i.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean }> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
  });
  const page = { editable: false, activatable: false };

  it('maps the common path', () => {
    expect(shortcutFor(key('j'), page)).toEqual({ type: 'move', delta: 1 });
    expect(shortcutFor(key('k'), page)).toEqual({ type: 'move', delta: -1 });
    expect(shortcutFor(key('c'), page)).toEqual({ type: 'claim' });
    expect(shortcutFor(key('3'), page)).toEqual({ type: 'choose', decision: 'DO_NOT_LOAD' });
    expect(shortcutFor(key('5'), page)).toEqual({ type: 'choose', decision: 'REFER' });
    expect(shortcutFor(key('6'), page)).toBeNull();
    expect(shortcutFor(key('Enter'), page)).toEqual({ type: 'confirm' });
    expect(shortcutFor(key('r'), page)).toEqual({ type: 'release' });
    expect(shortcutFor(key('?'), page)).toEqual({ type: 'help' });
  });

  it('leaves text fields, buttons and browser shortcuts alone', () => {
    expect(shortcutFor(key('c'), { editable: true, activatable: false })).toBeNull();
    expect(shortcutFor(key('Escape'), { editable: true, activatable: false })).toEqual({ type: 'escape' });
    expect(shortcutFor(key('Enter'), { editable: false, activatable: true })).toBeNull();
    expect(shortcutFor(key('r', { ctrlKey: true }), page)).toBeNull();
  });
});
