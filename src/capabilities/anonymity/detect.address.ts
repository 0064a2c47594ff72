import type { Span } from './anonymity.types';

/**
 * Street addresses (a Swedish street name followed by a house number) and postcodes.
 *
 * A street name is a word ending in one of the usual street suffixes (-gatan, -vägen, -gränd,
 * -stigen, -backen, -torget, -allén, -plan, -leden, -gången, -slingan …), optionally after a
 * qualifier such as "Lilla" or "Östra". The house number may carry a letter, a range, a flat
 * number ("lgh 1102"), a floor ("3 tr") or "nb".
 */
const STREET_SUFFIXES = [
  'gatan',
  'gata',
  'vägen',
  'väg',
  'gränd',
  'gränden',
  'stigen',
  'stig',
  'backen',
  'backe',
  'torget',
  'torg',
  'allén',
  'allé',
  'plan',
  'planen',
  'leden',
  'gången',
  'slingan',
  'stråket',
  'kroken',
  'platsen',
  'liden',
  'lunden',
  'hagen',
  'ringen',
  'svängen',
  'terrassen',
  'kajen',
  'promenaden',
  'esplanaden',
  'höjden',
  'ängen',
  'dalen',
  'bron',
  'kullen',
  'udden',
  'slänten',
  'tået',
  'vallen',
  'brinken',
  'branten',
  'gärdet',
  'parken',
];
const QUALIFIERS = [
  'Lilla',
  'Stora',
  'Östra',
  'Västra',
  'Norra',
  'Södra',
  'Gamla',
  'Nya',
  'Övre',
  'Nedre',
  'Sankt',
  'S:t',
  'Inre',
  'Yttre',
];

const SUFFIX = `(?:${STREET_SUFFIXES.join('|')})`;
const STREET_WORD = String.raw`\p{L}[\p{L}'-]*?${SUFFIX}`;
const HOUSE = String.raw`\d{1,4}(?:\s?[A-Ha-h](?![\p{L}]))?(?:\s?-\s?\d{1,4}(?:\s?[A-Ha-h](?![\p{L}]))?)?`;
const EXTRA = String.raw`(?:,?\s+(?:lgh|lägenhet|lägenhetsnummer)\.?\s*\d{3,4}|,?\s+\d{1,2}\s?tr\b\.?|\s+nb\b|\s+ög\b)?`;

const STREET = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:(?:${QUALIFIERS.join('|')})\s+)?(${STREET_WORD})\s+${HOUSE}${EXTRA}(?![\p{N}])`,
  'gu',
);

/** Ordinary (non-street) words that happen to end in a street suffix. */
const NOT_STREETS = new Set([
  'handlingsplan',
  'åtgärdsplan',
  'behandlingsplan',
  'genomförandeplan',
  'vårdplan',
  'studieplan',
  'plan',
  'vägen',
  'väg',
  'gatan',
  'torget',
  'torg',
  'backen',
  'stigen',
  'leden',
  'gången',
  'utvecklingsplan',
  'samordningsplan',
  'planen',
  'omgången',
  'ingången',
  'utgången',
  'övergången',
  'hagen',
  'dalen',
  'parken',
  'bron',
  'vallen',
  'ringen',
  'gärdet',
  'ängen',
  'kullen',
  'platsen',
  'halvvägen',
  'skolplan',
  'krisplan',
  'elevhälsoplan',
  'likabehandlingsplan',
  'lunden',
]);

/**
 * Street names written as several words: "Gröna gatan 4", "Olof Palmes gata 10",
 * "Per Albin Hanssons väg 12" (one-word names such as "Gamla Kungsvägen 3" are STREET's).
 */
const MULTI_WORD_STREET = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:\p{Lu}[\p{L}'-]*\s+){1,3}(?:gata|gatan|väg|vägen|gränd|gränden|torg|torget|backe|backen|allé|allén|plats|platsen|stig|stigen|plan|park|strand|kaj)\s+${HOUSE}${EXTRA}(?![\p{N}])`,
  'gu',
);

/**
 * A street named as where someone lives, without a house number: "bor på Björkvägen",
 * "flyttade till Lilla Nygatan", "lives on Kvarnvägen". The street word needs a strong suffix.
 */
const LIVES_ON_STREET = new RegExp(
  String.raw`(?<![\p{L}])(?:bor|bodde|flyttat|flyttade|flyttar|sover|lives|lived|moved|stays|sleeps)(?:\s+\p{L}+){0,4}?\s+(?:på|vid|till|to|on|at)\s+((?:(?:${QUALIFIERS.join('|')})\s+)?\p{Lu}[\p{L}'-]*?(?:gatan|vägen|gränd|gränden|stigen|allén|torget|backen|slingan|stråket|gata|väg|platsen))(?![\p{L}\p{N}])`,
  'gu',
);

export function detectAddresses(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(LIVES_ON_STREET)) {
    const street = m[1] ?? '';
    const start = m.index + m[0].length - street.length;
    if (NOT_STREETS.has(street.toLowerCase())) continue;
    spans.push({ type: 'address', start, end: start + street.length });
  }
  for (const m of text.matchAll(MULTI_WORD_STREET)) {
    spans.push({ type: 'address', start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(STREET)) {
    const word = (m[1] ?? '').toLowerCase();
    if (NOT_STREETS.has(word) || word.endsWith('planen') || word.endsWith('sgången')) continue;
    // Lower-case words need a stronger suffix to count (e.g. "storgatan 12").
    const capitalised = /^\p{Lu}/u.test(m[1] ?? '');
    if (!capitalised && !/(gatan|vägen|gränd|stigen|allén|torget|slingan)$/.test(word)) continue;
    spans.push({ type: 'address', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

/** Capitalised words after a 5-digit number that are not town names. */
const NOT_TOWNS = new Set([
  'Eleven',
  'Elever',
  'Mamma',
  'Pappa',
  'Rektor',
  'Skolan',
  'Barnet',
  'Kr',
  'Kronor',
  'SEK',
  'Vecka',
  'Timmar',
  'Dagar',
  'Personer',
  'Elevhälsan',
  'Socialtjänsten',
  'Polisen',
]);

const POSTCODE = /(?<![\p{L}\p{N}:/.,-])(SE-?\s?)?([1-9]\d{2})( ?)(\d{2})(?![\p{N}])/giu;
const TOWN_AFTER = /^\s+(\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+)?)/u;
const KEYWORD_BEFORE = /(?:postnummer|postnumret|postnr|post nr|postadress|postort)[\s:.]*$/iu;
const TOWN_COMMA_BEFORE = /\p{Lu}\p{Ll}+(?:,\s?|\s\()$/u;

export function detectPostcodes(text: string, addresses: Span[]): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(POSTCODE)) {
    const start = m.index;
    const end = start + m[0].length;
    const before = text.slice(Math.max(0, start - 40), start);
    const after = text.slice(end, end + 40);
    const prefixed = Boolean(m[1]);
    const town = TOWN_AFTER.exec(after);
    const townOk = town !== null && !NOT_TOWNS.has(town[1]?.split(/[ -]/)[0] ?? '');
    const keyword =
      KEYWORD_BEFORE.test(before) || /(?:postnummer|postnumret|postnr)\D{0,12}$/iu.test(before);
    const afterAddress = addresses.some(
      (a) => a.end <= start && /^[\s,]*(?:i\s+)?$/.test(text.slice(a.end, start)),
    );
    const afterBox = /\bBox\s+\d+,?\s*$/u.test(before);
    const townComma = TOWN_COMMA_BEFORE.test(before) && /^\s*(?:[.;),]|$)/.test(after);
    if (prefixed || townOk || keyword || afterAddress || afterBox || townComma) {
      spans.push({ type: 'postcode', start, end });
    }
  }
  return spans;
}
