import { renderCard, type AdaptiveCardJson } from '../../cards/render';
import type { OrganisationDirectory } from '../../core/organisations';
import type { OutcomeOption } from '../../core/outcomes';
import type { Locale, MessageKey, Translate } from '../../i18n/i18n';
import { formatMeetingDate, formatTime, periodLabel, periodOf, type Terms } from '../calendar';
import type { Forum } from '../forums';
import summaryTemplate from '../../../adaptive-cards/summaries/summary.json';
import statusTemplate from '../../../adaptive-cards/summaries/status.json';
import exportsTemplate from '../../../adaptive-cards/summaries/exports.json';
import type { StatusAnswer, StatusFigures } from './status.service';
import type { Counts, TermSummary } from './summaries.types';

const ZONE = 'Europe/Stockholm';
/** Bars and slices shown at most (the rest is in the exports). */
const MAX_BARS = 10;

export interface CardContext {
  t: Translate;
  locale: Locale;
  orgs: OrganisationDirectory;
  calendar: Terms;
  /** The configured outcomes (OUTCOMES_FILE): their labels name the outcome chart's slices. */
  outcomes: readonly OutcomeOption[];
}

const num = (n: number | null, locale: Locale): string =>
  n === null ? '–' : n.toLocaleString(locale === 'sv' ? 'sv-SE' : 'en-GB');
const signed = (n: number, locale: Locale): string =>
  n > 0 ? `+${num(n, locale)}` : num(n, locale);
const when = (d: Date, locale: Locale): string =>
  `${formatMeetingDate(d, ZONE, locale)} ${formatTime(d, ZONE, locale)}`;

/** A chart's data and its fallback table's rows, biggest first. */
function bars(counts: Counts, label: (k: string) => string, locale: Locale) {
  const top = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_BARS);
  return {
    bars: top.map(([k, n]) => ({ x: label(k), y: n })),
    slices: top.map(([k, n]) => ({ legend: label(k), value: n })),
    rows: top.map(([k, n]) => ({ label: label(k), text: num(n, locale) })),
  };
}

const label = (t: Translate, prefix: string) => (k: string) => {
  const text = t(`${prefix}.${k}` as MessageKey);
  return text === `${prefix}.${k}` || !text ? k : text;
};

/** The term summary card: key figures, four charts (each with a table for clients without charts), export. */
export function summaryCard(
  summary: TermSummary,
  forums: readonly Forum[],
  c: CardContext,
): AdaptiveCardJson {
  const { t, locale, orgs } = c;
  const f = summary.figures;
  const p = summary.previous;
  const period = periodOf(c.calendar, summary.period)!;
  const previous = periodOf(c.calendar, summary.previousPeriod)!;
  const vs = (now: number, before: number) =>
    t('summaries.vs', {
      now: num(now, locale),
      before: num(before, locale),
      change: signed(now - before, locale),
    });
  const rate = (() => {
    const all = Object.values(f.attendance).reduce(
      (s, a) => s + a.present + a.absent + a.excused,
      0,
    );
    const present = Object.values(f.attendance).reduce((s, a) => s + a.present, 0);
    return all ? `${Math.round((100 * present) / all)} %` : '–';
  })();
  const months = Object.keys(f.cases.byMonth).sort();
  const previousMonths = Object.keys(p.cases.byMonth).sort();
  const orgName = (code: string) => orgs.name(code, locale);
  return renderCard('summaries/summary', summaryTemplate, {
    title: t('summaries.card.title', { period: periodLabel(period, locale) }),
    subtitle: t('summaries.card.subtitle', {
      forums: forums.map((x) => x.name).join(', '),
      previous: periodLabel(previous, locale),
    }),
    facts: [
      {
        label: t('summaries.fact.meetingsHeld'),
        text: t('summaries.meetingsLine', {
          held: num(f.meetings.held, locale),
          planned: num(f.meetings.planned, locale),
          cancelled: num(f.meetings.cancelled, locale),
          moved: num(f.meetings.moved, locale),
        }),
      },
      { label: t('summaries.fact.attendance'), text: rate },
      { label: t('summaries.fact.cases'), text: vs(f.cases.raised, p.cases.raised) },
      { label: t('summaries.fact.discussed'), text: vs(f.cases.discussed, p.cases.discussed) },
      {
        label: t('summaries.fact.carriedOver'),
        text: vs(f.cases.carriedOver, p.cases.carriedOver),
      },
      {
        label: t('summaries.fact.daysToDiscussed'),
        text: t('summaries.daysLine', {
          median: num(f.cases.medianDaysToDiscussed, locale),
          p90: num(f.cases.p90DaysToDiscussed, locale),
        }),
      },
      {
        label: t('summaries.fact.deviations'),
        text: vs(f.deviations.reported, p.deviations.reported),
      },
      { label: t('summaries.fact.overdue'), text: num(f.deviations.overdue, locale) },
    ],
    labels: {
      casesByOrg: t('summaries.chart.casesByOrg'),
      outcomes: t('summaries.chart.outcomes'),
      casesByMonth: t('summaries.chart.casesByMonth'),
      meetings: t('summaries.chart.meetings'),
      export: t('summaries.export.button'),
    },
    casesByOrg: bars(f.cases.byOrg, orgName, locale),
    outcomes: bars(
      f.cases.byOutcome,
      (k) => c.outcomes.find((o) => o.code === k)?.label[locale] ?? k,
      locale,
    ),
    byMonth: {
      series: [
        {
          legend: periodLabel(period, locale),
          values: months.map((m, i) => ({ x: String(i + 1), y: f.cases.byMonth[m] ?? 0 })),
        },
        {
          legend: periodLabel(previous, locale),
          values: previousMonths.map((m, i) => ({ x: String(i + 1), y: p.cases.byMonth[m] ?? 0 })),
        },
      ],
      rows: months.map((m) => ({ label: m, text: num(f.cases.byMonth[m] ?? 0, locale) })),
    },
    meetings: bars(
      {
        planned: f.meetings.planned,
        held: f.meetings.held,
        cancelled: f.meetings.cancelled,
        moved: f.meetings.moved,
        skipped: f.meetings.skipped,
      },
      label(t, 'summaries.meetings'),
      locale,
    ),
    footer: t('summaries.card.footer'),
    exportData: {
      period: summary.period,
      ...(summary.forumIds.length === 1 ? { forum: summary.forumIds[0] } : {}),
    },
  });
}

/** The answer to a status question, as a card (or a line of text when it cannot answer). */
export function statusReply(
  answer: StatusAnswer,
  c: CardContext,
): { text: string } | { card: AdaptiveCardJson } {
  const { t, locale } = c;
  const examples = t('summaries.examples');
  const forums = (names: string[]) =>
    names.length ? t('summaries.yourForums', { forums: names.join(', ') }) : '';
  switch (answer.kind) {
    case 'unknown':
      return {
        text: [t('summaries.unknown'), examples, forums(answer.forums)].filter(Boolean).join(' '),
      };
    case 'refused':
      return {
        text: [t(`summaries.refused.${answer.reason}`), forums(answer.forums)]
          .filter(Boolean)
          .join(' '),
      };
    case 'own':
      return {
        card: renderCard('summaries/status', statusTemplate, {
          title: t('summaries.own.title'),
          subtitle: t('summaries.own.subtitle'),
          facts: [],
          lists: [
            {
              heading: t('summaries.own.cases'),
              lines: answer.cases.length
                ? answer.cases.map(
                    (x) =>
                      `${x.code} · ${x.forum} · ${t(`cases.status.${x.status}` as MessageKey)}`,
                  )
                : [t('summaries.none')],
            },
            {
              heading: t('summaries.nextMeetings'),
              lines: answer.meetings.length
                ? answer.meetings.map((m) => `${m.forum}: ${when(m.start, locale)}`)
                : [t('summaries.none')],
            },
          ],
          chart: { title: '', bars: [], rows: [] },
          footer: t('summaries.own.footer'),
        }),
      };
    case 'figures':
      return { card: figuresCard(answer, c) };
  }
}

function figuresCard(a: StatusFigures, c: CardContext): AdaptiveCardJson {
  const { t, locale, orgs } = c;
  const f = a.figures;
  const p = a.previous;
  const scope = [
    a.forums.length === 1
      ? a.forums[0]!.name
      : t('summaries.yourForumsShort', { n: a.forums.length }),
    a.org ? orgs.name(a.org, locale) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const periodText = a.current
    ? t('summaries.soFar', { period: periodLabel(a.period, locale) })
    : periodLabel(a.period, locale);
  const vs = (now: number, before: number) =>
    t('summaries.vs', {
      now: num(now, locale),
      before: num(before, locale),
      change: signed(now - before, locale),
    });
  const facts: { label: string; text: string }[] = [];
  const lists: { heading: string; lines: string[] }[] = [];
  const intent = a.query.intent;
  if (intent === 'status' || intent === 'meetings')
    lists.push({
      heading: t('summaries.nextMeetings'),
      lines: a.nextMeetings.length
        ? a.nextMeetings.map((m) => `${m.forum}: ${when(m.start, locale)}`)
        : [t('summaries.none')],
    });
  if (intent === 'status' || intent === 'cases') {
    facts.push({ label: t('summaries.fact.openCases'), text: num(a.openCases, locale) });
    facts.push({ label: t('summaries.fact.cases'), text: vs(f.cases.raised, p.cases.raised) });
  }
  if (intent === 'cases') {
    facts.push({ label: t('summaries.fact.discussed'), text: num(f.cases.discussed, locale) });
    facts.push({
      label: t('summaries.fact.daysToDiscussed'),
      text: t('summaries.daysLine', {
        median: num(f.cases.medianDaysToDiscussed, locale),
        p90: num(f.cases.p90DaysToDiscussed, locale),
      }),
    });
  }
  if (intent === 'status' || intent === 'deviations') {
    facts.push({ label: t('summaries.fact.openDeviations'), text: num(f.deviations.open, locale) });
    const overdue = Object.values(a.overdue).reduce((x, n) => x + n, 0);
    facts.push({ label: t('summaries.fact.overdue'), text: num(overdue, locale) });
  }
  if (intent === 'deviations' && a.query.filter === 'overdue') {
    const byOrg = Object.entries(a.overdue).sort((x, y) => y[1] - x[1]);
    lists.push({
      heading: t('summaries.overdueList'),
      lines: byOrg.length
        ? byOrg.map(([org, n]) => `${orgs.name(org, locale)}: ${num(n, locale)}`)
        : [t('summaries.none')],
    });
  }
  if (intent === 'meetings')
    facts.push({
      label: t('summaries.fact.meetingsHeld'),
      text: t('summaries.meetingsLine', {
        held: num(f.meetings.held, locale),
        planned: num(f.meetings.planned, locale),
        cancelled: num(f.meetings.cancelled, locale),
        moved: num(f.meetings.moved, locale),
      }),
    });
  const chart =
    intent === 'cases'
      ? {
          title: t('summaries.chart.casesByOrg'),
          ...bars(f.cases.byOrg, (k) => orgs.name(k, locale), locale),
        }
      : intent === 'deviations'
        ? {
            title: t('summaries.chart.deviationsByCategory'),
            ...bars(f.deviations.byCategory, (k) => k, locale),
          }
        : {
            title: a.current
              ? t('summaries.chart.soFar', { previous: periodLabel(a.previousPeriod, locale) })
              : t('summaries.chart.vsPrevious', {
                  previous: periodLabel(a.previousPeriod, locale),
                }),
            bars: [
              { x: t('summaries.meetings.held'), y: a.soFar.meetingsHeld },
              { x: t('summaries.fact.cases'), y: a.soFar.casesRaised },
              { x: t('summaries.fact.deviations'), y: a.soFar.deviationsReported },
            ],
            rows: [
              {
                label: t('summaries.meetings.held'),
                text: vs(a.soFar.meetingsHeld, a.soFarBefore.meetingsHeld),
              },
              {
                label: t('summaries.meetings.cancelled'),
                text: vs(a.soFar.meetingsCancelled, a.soFarBefore.meetingsCancelled),
              },
              {
                label: t('summaries.fact.cases'),
                text: vs(a.soFar.casesRaised, a.soFarBefore.casesRaised),
              },
              {
                label: t('summaries.fact.deviations'),
                text: vs(a.soFar.deviationsReported, a.soFarBefore.deviationsReported),
              },
            ],
          };
  return renderCard('summaries/status', statusTemplate, {
    title: t(`summaries.title.${intent === 'unknown' ? 'status' : intent}`, { scope }),
    subtitle: periodText,
    facts,
    lists,
    chart,
    footer: t('summaries.examples'),
  });
}

/** The export's links (each works for 15 minutes, for the user who asked). */
export function exportsCard(
  links: { figuresCsv: string; casesCsv: string; xlsx: string; count: number },
  periodKey: string,
  url: (id: string) => string,
  c: CardContext,
): AdaptiveCardJson {
  const { t, locale } = c;
  const period = periodOf(c.calendar, periodKey)!;
  return renderCard('summaries/exports', exportsTemplate, {
    title: t('summaries.export.title', { period: periodLabel(period, locale) }),
    body: t('summaries.export.ready', { count: num(links.count, locale) }),
    links: [
      { title: t('summaries.export.figuresCsv'), url: url(links.figuresCsv) },
      { title: t('summaries.export.casesCsv'), url: url(links.casesCsv) },
      { title: t('summaries.export.xlsx'), url: url(links.xlsx) },
    ],
  });
}
