/**
 * Latin readings of text that the character fold (text.ts) would otherwise read as gaps, so that
 * none of it can hide a term or a name from screening:
 * - Cyrillic and Greek letters. A word that mixes them with Latin letters ("аmmunition" with a
 *   Cyrillic "а"), mixes the two scripts, or holds a letter no Cyrillic or Greek alphabet here
 *   reads ("ԁ", Komi) is a disguise: each such letter is read as the Latin letter it looks like
 *   (after Unicode's confusables, UTS #39). A word in one script is that script, and is
 *   transliterated (BGN/PCGN for Cyrillic, ELOT 743 for Greek): "Технохим" reads "tekhnokhim",
 *   as the denied-party lists spell such names, and "АММО" reads "ammo" either way.
 *   One exception: a Cyrillic word whose Latin letters all look like Cyrillic ones (a c e i o p
 *   x y k m t h b j s, either case) and that holds a Cyrillic letter no Latin one looks like
 *   ("ф", "л", "ь") is Cyrillic with typing slips (Ukrainian and Belarusian typists often type
 *   a Latin "i" for "і"): "Фiльтр" reads "filtr", its Latin letters as they are, and is no
 *   disguise. "сосаinе" stays one ("n" looks like no Cyrillic letter), and so does "АMMО".
 * - Combining accents ("Lo\u0301pez", as macOS and some exports decompose text), invisible
 *   format characters (zero-width space and joiners, soft hyphen, direction marks, variation
 *   selectors, Hangul fillers, braille blank, tag characters): dropped, so that they no longer
 *   cut a word in two.
 * - Letters outside the Basic Multilingual Plane ("𝐀𝐌𝐌𝐎", mathematical bold): their
 *   compatibility decomposition when that is Latin letters or digits.
 * Text holds such characters rarely: the fold sends only those texts here (text.ts, LATINISE).
 */

/** The original text's code units [from[k], to[k]) gave `text`'s code unit k. */
export interface Latinised {
  text: string;
  from: Int32Array;
  to: Int32Array;
  /** The words read as disguises, as written in the original, with the scripts they mix Latin with. */
  disguises: Disguise[];
}

export interface Disguise {
  start: number;
  end: number;
  scripts: 'Cyrillic' | 'Greek' | 'Cyrillic and Greek';
}

/** True for the code units latinise() reads: the fold sends a text holding one of them here. */
export function needsLatinising(c: number): boolean {
  return (
    (c >= 0x300 && c <= 0x52f) || // combining marks, Greek, Cyrillic
    (c >= 0x1f00 && c <= 0x1fff) || // Greek with accents
    (c >= 0xd800 && c <= 0xdfff) || // surrogates: characters outside the BMP
    isDropped(c)
  );
}

/** Combining marks and invisible format characters: read as nothing, inside a word. */
function isDropped(c: number): boolean {
  return (
    c === 0xad ||
    (c >= 0x300 && c <= 0x36f) ||
    (c >= 0x483 && c <= 0x489) || // Cyrillic titlo and other combining signs
    c === 0x61c || // Arabic letter mark
    c === 0x115f || // Hangul fillers
    c === 0x1160 ||
    c === 0x17b4 || // Khmer invisible vowels
    c === 0x17b5 ||
    (c >= 0x180b && c <= 0x180f) || // Mongolian variation selectors, vowel separator
    (c >= 0x1ab0 && c <= 0x1aff) ||
    (c >= 0x1dc0 && c <= 0x1dff) ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) ||
    (c >= 0x2066 && c <= 0x2069) ||
    (c >= 0x20d0 && c <= 0x20ff) ||
    c === 0x2800 || // braille blank
    c === 0x3164 || // Hangul filler
    (c >= 0xfe00 && c <= 0xfe0f) ||
    (c >= 0xfe20 && c <= 0xfe2f) ||
    c === 0xfeff ||
    c === 0xffa0 // halfwidth Hangul filler
  );
}

/** Invisible characters outside the BMP, dropped as isDropped()'s: tags, variation selectors supplement. */
function isDroppedAstral(cp: number): boolean {
  return (cp >= 0xe0000 && cp <= 0xe007f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/** Cyrillic and Greek letters → the Latin letter each looks like (upper and lower case differ: "Н" is H, "н" is not). */
const LOOK_ALIKE = pairs(
  // Cyrillic capitals, then small letters.
  'АaВbЕeЀeЁeЅsІiЇiЈjКkМmНhОoРpСcТtУyХxҮyӀlԀdԚqԜwҺh' +
    'аaвbеeѐeёeѕsіiїiјjкkмmнhоoрpсcтtуyхxүyӏlԁdԛqԝwһhҽeԍg' +
    // Greek capitals, then small letters.
    'ΑaΒbΕeΖzΗhΙiΚkΜmΝnΟoΡpΤtΥyΧxϹcͿjϜf' +
    'αaοoνvιiκkρpτtυuχxγyϲcϳjεe',
);

/**
 * Cyrillic (BGN/PCGN) and Greek (ELOT 743) small letters → Latin: each letter followed by its
 * reading; "-" reads as nothing (ъ, ь).
 */
const TRANSLITERATION = readings(
  'аa бb вv гg дd еe ёe жzh зz иi йy кk лl мm нn оo пp рr сs тt уu фf хkh цts чch ' +
    'шsh щshch ъ- ыy ь- эe юyu яya іi їyi єye ґg ўu ђdj јj љlj њnj ћc џdz ѕdz ѓgj ќkj ' +
    'ѐe ѝi үu ұu қq ғgh ңng әa өo һh ' +
    'αa βv γg δd εe ζz ηi θth ιi κk λl μm νn ξx οo πp ρr σs ςs τt υy φf χch ψps ωo ϲs ' +
    'ϳj',
);

/**
 * Latin letters (small) that some native Cyrillic letter looks like: in a Cyrillic word, these
 * are typing slips (see the header), other Latin letters make the word a disguise.
 */
const CYRILLIC_SLIPS = new Set(
  [...LOOK_ALIKE]
    .filter(([c]) => c >= 0x400 && c <= 0x52f && TRANSLITERATION.has(baseLetter(c)))
    .map(([, latin]) => latin.charCodeAt(0)),
);

/** An ASCII Latin letter that, in a Cyrillic word, is a typing slip (CYRILLIC_SLIPS). */
function isSlip(c: number): boolean {
  const small = c >= 65 && c <= 90 ? c + 32 : c;
  return CYRILLIC_SLIPS.has(small);
}

function readings(s: string): Map<number, string> {
  return new Map(
    s.split(' ').map((r) => [r.charCodeAt(0), r.slice(1) === '-' ? '' : r.slice(1)] as [number, string]),
  );
}

function pairs(s: string): Map<number, string> {
  const map = new Map<number, string>();
  for (let i = 0; i + 1 < s.length; i += 2) map.set(s.charCodeAt(i), s[i + 1]!);
  return map;
}

/** A Cyrillic or Greek letter's small form, accents dropped ("Ά" → "α"; "Й" keeps its breve). */
function baseLetter(c: number): number {
  const lower = String.fromCharCode(c).toLowerCase();
  if (TRANSLITERATION.has(lower.charCodeAt(0))) return lower.charCodeAt(0);
  return lower.normalize('NFD').charCodeAt(0);
}

function isScriptLetter(c: number): boolean {
  return (
    ((c >= 0x370 && c <= 0x52f) || (c >= 0x1f00 && c <= 0x1fff)) &&
    c !== 0x37e && // Greek question mark
    c !== 0x387 && // ano teleia
    !isDropped(c)
  );
}

/** A character outside the BMP as Latin letters or digits ("𝐀" → "a"), or '' when it is none. */
function astralLatin(cp: number): string {
  const d = String.fromCodePoint(cp).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return /^[a-z0-9]{1,3}$/.test(d) ? d : '';
}

/**
 * The text with every character needsLatinising() names read as Latin (or dropped), the rest as
 * it is, and where each code unit came from. `isWordChar` tells, for any other character,
 * whether the fold reads it as a letter or digit (the words are decided on as the fold cuts them).
 */
export function latinise(text: string, isWordChar: (c: number) => boolean): Latinised {
  const out: number[] = [];
  const disguises: Disguise[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const emit = (s: string, start: number, end: number) => {
    for (let k = 0; k < s.length; k++) {
      out.push(s.charCodeAt(k));
      from.push(start);
      to.push(end);
    }
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isWordPart(text, i, isWordChar)) {
      // A separator stays; a character outside the BMP that is no letter or digit becomes one.
      const width = charWidth(text, i);
      emit(width === 1 && !needsLatinising(c) ? String.fromCharCode(c) : ' ', i, i + width);
      i += width;
      continue;
    }
    // One word: decide how its Cyrillic and Greek letters read, then write it.
    let end = i;
    let latin = false;
    let greek = false;
    let cyrillic = false;
    let foreign = false;
    // Typing slips in a Cyrillic word (see the header): every Latin letter a look-alike, and a
    // Cyrillic letter that no Latin one looks like.
    let slipsOnly = true;
    let unlike = false;
    while (end < n && isWordPart(text, end, isWordChar)) {
      const w = text.charCodeAt(end);
      if (isScriptLetter(w)) {
        if (w < 0x400 || w >= 0x1f00) greek = true;
        else {
          cyrillic = true;
          if (!LOOK_ALIKE.has(w)) unlike = true;
        }
        if (!TRANSLITERATION.has(baseLetter(w)) && LOOK_ALIKE.has(w)) foreign = true;
      } else if (!needsLatinising(w) && !isDigit(w)) {
        latin = true;
        if (!isSlip(w)) slipsOnly = false;
      }
      end += charWidth(text, end);
    }
    const slips = cyrillic && !greek && !foreign && latin && slipsOnly && unlike;
    const disguise = (cyrillic || greek) && (latin || (greek && cyrillic) || foreign) && !slips;
    if (disguise)
      disguises.push({
        start: i,
        end,
        scripts: cyrillic && greek ? 'Cyrillic and Greek' : cyrillic ? 'Cyrillic' : 'Greek',
      });
    for (let k = i; k < end;) {
      const w = text.charCodeAt(k);
      const width = charWidth(text, k);
      if (isScriptLetter(w)) {
        const latin = (disguise ? LOOK_ALIKE.get(w) : undefined) ?? TRANSLITERATION.get(baseLetter(w));
        emit(latin ?? ' ', k, k + 1);
      } else if (width === 2) {
        const cp = text.codePointAt(k)!;
        if (!isDroppedAstral(cp)) emit(astralLatin(cp), k, k + 2);
      } else if (!isDropped(w)) emit(String.fromCharCode(w), k, k + 1);
      k += width;
    }
    i = end;
  }
  let result = '';
  for (let k = 0; k < out.length; k += 4096) result += String.fromCharCode(...out.slice(k, k + 4096));
  return { text: result, from: Int32Array.from(from), to: Int32Array.from(to), disguises };
}

/** Whether text[i] belongs to a word: a letter or digit, a dropped character, or a letter latinise() reads. */
function isWordPart(text: string, i: number, isWordChar: (c: number) => boolean): boolean {
  const c = text.charCodeAt(i);
  if (!needsLatinising(c)) return isWordChar(c);
  if (isDropped(c) || isScriptLetter(c)) return true;
  if (c >= 0xd800 && c <= 0xdbff) {
    const cp = text.codePointAt(i)!;
    return cp > 0xffff && (isDroppedAstral(cp) || astralLatin(cp) !== '');
  }
  return false; // a lone surrogate, Greek or Cyrillic punctuation
}

/** Code units of the character at text[i]: 2 for a surrogate pair. */
function charWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return 1;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

function isDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19);
}
