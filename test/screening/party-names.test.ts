import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { namesWithin } from '../../shared/screening/party-names.js';
import { defaultRuleSet } from '../../shared/screening/rules.js';
import { WatchlistIndex } from '../../shared/screening/watchlist.js';

const dp = defaultRuleSet().deniedParty;
const sample = readFileSync(new URL('../../config/watchlists/sample-csl.csv', import.meta.url), 'utf8');

describe('names within one party field', () => {
  it('finds the names joined by y/o, c/o, dba, aka, " / ", an attention line or brackets', () => {
    expect(namesWithin('Rigoberto Quintero Barragan y/o Lucia Torres')).toEqual([
      'Rigoberto Quintero Barragan',
      'Lucia Torres',
    ]);
    expect(namesWithin('Lucia Torres C/O Rigoberto Quintero')).toEqual([
      'Lucia Torres',
      'Rigoberto Quintero',
    ]);
    expect(namesWithin('Attn: Rigoberto Quintero')).toEqual(['Rigoberto Quintero']);
    expect(namesWithin('Atención Rigoberto Quintero')).toEqual(['Rigoberto Quintero']);
    expect(namesWithin('Sierra Armory Supply LLC dba Sierra Tactical')).toEqual([
      'Sierra Armory Supply LLC',
      'Sierra Tactical',
    ]);
    expect(namesWithin('QUINTERO BARRAGAN, RIGOBERTO (EL INGENIERO)')).toEqual([
      'QUINTERO BARRAGAN, RIGOBERTO',
      'EL INGENIERO',
    ]);
    expect(namesWithin('Ana López / Juan Pérez')).toEqual(['Ana López', 'Juan Pérez']);
  });

  it('leaves a single name alone, "y" and a slash inside a word included', () => {
    for (const name of [
      'Ana López',
      'Transportes y Logística del Norte',
      'X/Y Trading',
      'Kunming A/B Co',
      '',
    ])
      expect(namesWithin(name), name).toEqual([]);
  });

  it('bounds the searches a hostile field can cause', () => {
    expect(namesWithin(Array.from({ length: 50 }, (_, i) => `Name ${i}`).join(' y/o '))).toHaveLength(6);
  });
});

describe('screening a party field that holds several names', () => {
  const index = WatchlistIndex.fromCsv(sample, dp);
  it('finds a listed name among the others, as exactly as when it stands alone', () => {
    for (const party of [
      'Lucia Torres c/o Rigoberto Quintero Barragan',
      'Rigoberto Quintero Barragán y/o Lucía Torres',
      'Attn: Rigoberto Quintero Barragan',
      'QUINTERO BARRAGAN, RIGOBERTO (EL INGENIERO)',
      'Lucía Torres (Rigoberto Quintero Barragán)',
    ])
      expect(index.search(party, 1)[0], party).toMatchObject({
        similarity: 1,
        entry: { entityNumber: '90001' },
      });
    expect(index.search('Sierra Tactical dba Sierra Armory Supply LLC', 1)[0]?.entry.entityNumber).toBe(
      '90008',
    );
  });

  it('finds a listed company under another Mexican legal form or with its branch', () => {
    for (const party of [
      'Química Industrial del Pacífico, S.A.B. de C.V.',
      'QUIMICA INDUSTRIAL DEL PACIFICO SAB DE CV',
      'Química Industrial del Pacífico S. de R.L. M.I.',
      'Química Industrial del Pacífico S.A. de C.V. (Sucursal Culiacán)',
    ])
      expect(index.search(party, 1)[0]?.entry.entityNumber, party).toBe('90002');
  });

  it('finds nothing more in fields of unlisted names', () => {
    for (const party of ['Lucía Torres y/o Juan Pérez', 'Attn: Compras', 'Tacos (El Güero)'])
      expect(index.search(party), party).toEqual([]);
  });
});
