/**
 * Vocabulary of the quasi-identifier check (Swedish and English). A text can single a child out
 * without a name: a named school or unit, a class, an exact date, and a rare circumstance
 * together are, for anyone who knows the school, as good as a name (IMY counts such
 * combinations as personal data). Each list is a kind of circumstance, not a list of sentences.
 */

/** A word for one particular child (or twins/triplets): the text is about someone. */
export const CHILD_REFERENCE = new RegExp(
  String.raw`(?<![\p{L}])(?:elev(?:en|ens)?|pojke(?:n|ns)?|flick(?:a|an|ans)|barnet(?:s)?|ett barn|kille(?:n|ns)?|tjej(?:en|ens)?|son(?:en|ens)?|dotter(?:n|ns)?|\d{1,2}-?åring(?:en|ens)?|tonåring(?:en|ens)?|ungdomen|tvilling\p{L}*|trilling\p{L}*|den (?:enda|ende)|the (?:girl|boy|child|pupil|student|kid|teenager|twins|triplets|only)|a (?:girl|boy|child|pupil|student|teenager)|twins|triplets|(?:\d{1,2})-year-old)(?![\p{L}])`,
  'iu',
);

/** Circumstances that by themselves point at one child in a class or unit. */
export const STRONG_DETAILS: readonly RegExp[] = [
  // the only one
  /(?<![\p{L}])(?:den (?:enda|ende)|som (?:enda|ende)|(?:enda|ende) (?:eleven|barnet|pojken|flickan|killen|tjejen)|ensam om att|the only|only (?:one|boy|girl|child|pupil|student))(?![\p{L}])/iu,
  // twins, triplets
  /(?<![\p{L}])(?:tvilling\p{L}*|trilling\p{L}*|twins?|triplets?)(?![\p{L}])/iu,
  // protected identity
  /(?<![\p{L}])(?:skyddad(?:e)? (?:identitet|personuppgifter)|sekretessmarker\p{L}*|protected identity)(?![\p{L}])/iu,
];

/** Circumstances that are rare, visible or remembered: with a named school they identify. */
export const RARE_DETAILS: readonly RegExp[] = [
  // visible disabilities, aids and rare conditions
  /(?<![\p{L}])(?:rullstol\p{L}*|permobil\p{L}*|wheelchair\p{L}*|rollator\p{L}*|kryck\p{L}*|crutch\p{L}*|döv\p{L}*|hörselskad\p{L}*|hörapparat\p{L}*|hearing aids?|cochlea\p{L}*|teckenspråk\p{L}*|sign language|deaf|blind|synskad\p{L}*|ledarhund\p{L}*|guide dog|stomi|insulinpump\p{L}*|diabetes typ 1|type 1 diabetes|sond\p{L}*|feeding tube|syrgas\p{L}*|amputer\p{L}*|protes\p{L}*|prosthe\p{L}*|cp-skad\p{L}*|downs syndrom|down syndrome|dialys\p{L}*|transplant\p{L}*|leukemi|cancer\p{L}*|föddes utan|född utan|born without|(?:förlorade|förlorat|tappade|tappat|lost) (?:en |ett |sin |sitt |his |her |an? )?(?:arm|ben|hand|fot|öga|synen|hörseln|arm|leg|hand|foot|eye|sight|hearing)|saknar (?:en |ett |båda )?(?:arm|armar|ben|hand|händer|fot|fötter)|gravid\p{L}*|pregnant)(?![\p{L}])/iu,
  // arrival and origin
  /(?<![\p{L}])(?:nyanländ\p{L}*|nyanlän\p{L}*|adopter\p{L}* från|adopted from|ensamkommande|unaccompanied|asylsökande|kvotflykting\p{L}*|(?:kom|kommit|flyttade|flyttat|flytt|flydde) (?:hit |till sverige |till skolan )?från|arrived from|came from|moved (?:here )?from|fled from)(?![\p{L}])/iu,
  // a parent or sibling, or the home, described (whose …)
  /(?<![\p{L}])(?:vars (?:\p{L}+ )?(?:mamma|pappa|mor|far|förälder|föräldrar|bror|syster|storebror|lillebror|storasyster|lillasyster|styvpappa|styvmamma|hus|hem|familj|lägenhet)|whose (?:\p{L}+ )?(?:mum|mom|mother|dad|father|parents?|brother|sister|house|home|family))(?![\p{L}])/iu,
  // a parent's job or workplace
  /(?<![\p{L}])(?:mamma|mamman|pappa|pappan|mor|modern|far|fadern|föräldern|vårdnadshavaren|mum|mom|mother|dad|father)(?:s)? (?:är|jobbar|arbetar|works|is the|is a)(?: som| på| i| at| as)? (?:\p{L}+ )?(?:rektor\p{L}*|lärare\p{L}*|vaktmästare\p{L}*|kurator\p{L}*|skolsköterska\p{L}*|polis\p{L}*|präst\p{L}*|imam\p{L}*|läkare\p{L}*|politiker\p{L}*|kommunalråd\p{L}*|journalist\p{L}*|principal|teacher|caretaker|janitor|nurse|police\p{L}*|priest|doctor|politician|där|here|there)(?![\p{L}])/iu,
  // a child who is a parent
  /(?<![\p{L}])(?:är (?:mamma|pappa) till|har (?:ett|en) (?:eget )?barn|is a (?:mum|mom|mother|dad|father)|has a baby)(?![\p{L}])/iu,
  // where and with whom the child lives, when that is unusual
  /(?<![\p{L}])(?:hos sin egen|hos sina egna|with (?:his|her|their) own|hvb\p{L}*|sis-hem\p{L}*|jourhem\p{L}*|skyddat boende|skyddade boendet|institution\p{L}*|residential care|care home)(?![\p{L}])/iu,
  // in prison, convicted
  /(?<![\p{L}])(?:i fängelse|sitter inne|avtjänar|dömd\p{L}*|dömts|åtalad\p{L}*|häktad\p{L}*|in prison|in jail|convicted|charged with)(?![\p{L}])/iu,
  // events that everyone remembers
  /(?<![\p{L}])(?:dog|avled|omkom|brann ner|brann upp|branden|trafikolyck\p{L}*|drunknade|ambulans\p{L}*|mördad\p{L}*|skjuten|sköts|knivhuggen|knivskuren|skottlossning\p{L}*|sprängd\p{L}*|sprängt|died|was killed|shot dead|burned down|burnt down|the fire|car crash|ambulance)(?![\p{L}])/iu,
  // in the news, on stage, a champion, well known online
  /(?<![\p{L}])(?:lokaltidning\p{L}*|tidningen|i media|på tv|på teve|nyheterna|melodifestival\p{L}*|talang\p{L}*|medverka\p{L}* i|deltog i|sm|sm-\p{L}+|vm-\p{L}+|em-\p{L}+|svensk mästare|mästare i|landslag\p{L}*|national team|newspaper|on tv|in the news|champion\p{L}*|youtube\p{L}*|youtube-\p{L}+|tiktok-\p{L}+|följare|followers|influencer\p{L}*)(?![\p{L}])/iu,
  // physically unmistakable
  /(?<![\p{L}])(?:över (?:två|2) meter|(?:två|2)[.,]?\d* meter lång|two met(?:re|er)s? tall|over two met(?:re|er)s)(?![\p{L}])/iu,
];

/**
 * Dates that are about a meeting, a deadline or a plan, not an event in a child's life:
 * "mötet den 10 december", "flyttas till den 5 maj", "senast den 3 april".
 */
export const MEETING_WORDS =
  /(?<![\p{L}])(?:möte\p{L}*|\p{L}+möte\p{L}*|träff(?:en|ar|as)?|sammanträde\p{L}*|studiedag\p{L}*|utvecklingssamtal\p{L}*|meeting\p{L}*|deadline)(?![\p{L}])/iu;

export const ADMINISTRATIVE_BEFORE_DATE =
  /(?:möte\p{L}*|träff\p{L}*|sammanträde\p{L}*|flyttas|ställs in|inställt|senast|deadline|uppföljning\p{L}*|meeting|follow-up|until|by|from|från|till|studiedag\p{L}*)(?:\s+\p{L}+){0,2}\s*$/iu;

/** An exact date: "den 3 februari", "12 januari", "2026-03-04", "3/2", "on 3 February". */
export const EXACT_DATE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:\d{1,2}(?::?e|:a|st|nd|rd|th)?\s+(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|january|february|march|may|june|july|august|october|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec)\.?|(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+\d{1,2}(?:st|nd|rd|th)?|(?:19|20)\d{2}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:[-/]\d{2,4})?)(?![\p{L}\p{N}])`,
  'giu',
);

/**
 * A restrictive relative clause on the child, after its class or unit: "Eleven i 7B på X som …",
 * "Barnet på X, avdelning Y, vars …", "the girl in 8A at X who …". Such a description picks one
 * child out of a class. Membership alone ("som går i 7B") is no description.
 */
export const RELATIVE_CLAUSE = /^\s*,?\s*(?:som|vars|who|whose)\s+(\p{L}+)(?:\s+(\p{L}+))?/iu;
export const MEMBERSHIP_VERBS = new Set([
  'går',
  'gick',
  'är',
  'var',
  'goes',
  'went',
  'is',
  'was',
  'attends',
]);
export const MEMBERSHIP_PREPOSITIONS = new Set(['i', 'på', 'in', 'at', 'to']);
/** What may stand between the child and its class or unit: "i", "på", "at", a comma. */
export const BEFORE_MARK = /^\s*,?\s*(?:(?:i|på|vid|från|at|in|from)\s+)?$/iu;

/**
 * A class or a preschool group: "7B", "klass 5b", "8C", "avdelning Humlan". A year alone
 * ("åk 8", "9an") is not a class: a year holds a hundred children, a class twenty-five.
 */
export const GROUP = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:(?:klass|klassen|class)\s+\d{1,2}\s?[A-Fa-f]|\d{1,2}[A-F]|\d{1,2}[a-f](?=\s+(?:på|at|i|har|som|who|in)(?![\p{L}])))(?![\p{L}\p{N}])|(?<![\p{L}])(?:avdelning(?:en)?|avd\.?)\s+\p{Lu}\p{Ll}+`,
  'gu',
);
