import { randomBytes } from 'node:crypto';
import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { OrganisationDirectory } from '../../core/organisations';
import type { Locale, Translate } from '../../i18n/i18n';
import { fieldNotes, reviewLines, type FieldReview } from '../anonymity';
import { formatMeetingDate, instantToLocalDate } from '../calendar';
import formTemplate from '../../../adaptive-cards/deviations/form.json';
import receiptTemplate from '../../../adaptive-cards/deviations/receipt.json';
import startTemplate from '../../../adaptive-cards/deviations/start.json';
import listTemplate from '../../../adaptive-cards/deviations/list.json';
import detailTemplate from '../../../adaptive-cards/deviations/detail.json';
import noticeTemplate from '../../../adaptive-cards/deviations/notice.json';
import type { DeviationsConfig } from './deviations.config';
import { MAX_TEXT_LENGTH } from './deviations.config';
import type { DeviationLists, DeviationView, FormOptions } from './deviations.service';
import type { DeviationRecord, DeviationState, DeviationTextField } from './deviations.types';
import { ANSWER_TEXT_FIELDS, REPORT_TEXT_FIELDS, UNANSWERED_STATES } from './deviations.types';

export interface CardCtx {
  t: Translate;
  locale: Locale;
}
export interface Fact {
  title: string;
  value: string;
}

/** What the user had typed or chosen: kept when the form comes back. */
export interface FormValues {
  token?: string | undefined;
  occurredOn?: string | undefined;
  concerned?: readonly string[] | undefined;
  reportingOrganisation?: string | undefined;
  forumId?: string | undefined;
  category?: string | undefined;
  description?: string | undefined;
  consequence?: string | undefined;
  immediateAction?: string | undefined;
  solvedLocally?: boolean | undefined;
  confirmAnonymous?: boolean | undefined;
}

export interface FormState {
  values?: FormValues;
  review?: FieldReview;
  status?: string;
}

const isField = (f: string): f is DeviationTextField =>
  (REPORT_TEXT_FIELDS as readonly string[]).includes(f) ||
  (ANSWER_TEXT_FIELDS as readonly string[]).includes(f);
export const fieldLabel = (t: Translate, field: string): string =>
  isField(field) ? t(`deviations.field.${field}`) : field;

/** A local date in words: "torsdag 26 november" / "Thursday 26 November". */
export const dateWords = (date: string, zone: string, locale: Locale): string =>
  formatMeetingDate(new Date(`${date}T12:00:00Z`), zone, locale);

export function deviationFormCard(
  { t, locale }: CardCtx,
  options: FormOptions,
  orgs: OrganisationDirectory,
  config: DeviationsConfig,
  now: Date,
  state: FormState = {},
): AdaptiveCardJson {
  const v = state.values ?? {};
  const review: FieldReview = state.review ?? { findings: [], warnings: [] };
  const label = (field: string) => fieldLabel(t, field);
  const statusLines: string[] = [];
  if (state.status) statusLines.push(state.status);
  if (options.organisations.length === 0) statusLines.push(t('deviations.form.noOrganisation'));
  if (review.findings.length > 0) {
    statusLines.push(t('gate.intro'));
    statusLines.push(...reviewLines(t, { findings: review.findings, warnings: [] }, label));
  }
  const today = instantToLocalDate(now, config.timeZone);
  return renderCard('deviations/form', formTemplate, {
    labels: {
      title: t('deviations.form.title'),
      intro: t('deviations.form.intro'),
      occurredOn: t('deviations.field.occurredOn'),
      concerned: t('deviations.field.concerned'),
      reportingOrganisation: t('deviations.field.reportingOrganisation'),
      forum: t('deviations.field.forum'),
      forumNone: t('deviations.form.forumNone'),
      category: t('deviations.field.category'),
      description: t('deviations.field.description'),
      descriptionHint: t('deviations.form.descriptionHint'),
      consequence: t('deviations.field.consequence'),
      consequenceHint: t('deviations.form.consequenceHint'),
      immediateAction: t('deviations.field.immediateAction'),
      immediateActionHint: t('deviations.form.immediateActionHint'),
      solvedLocally: t('deviations.field.solvedLocally'),
      yes: t('deviations.yes'),
      no: t('deviations.no'),
      required: t('deviations.form.required'),
      submit: t('deviations.form.submit'),
    },
    statusLines,
    warning: {
      title: t('gate.warning.title'),
      lines: reviewLines(t, { findings: [], warnings: review.warnings }, label),
      why: t('gate.warning.why'),
      how: t('gate.warning.how'),
      confirm: t('gate.warning.confirm'),
      hint: t('gate.warning.confirmHint'),
    },
    notes: Object.fromEntries(REPORT_TEXT_FIELDS.map((f) => [f, fieldNotes(t, review, f)])),
    maxLength: MAX_TEXT_LENGTH,
    minDate: `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`,
    maxDate: today,
    concernedChoices: orgs.all().map((o) => ({ title: o.name[locale], value: o.code })),
    organisationChoices: options.organisations.map((o) => ({
      title: orgs.name(o, locale),
      value: o,
    })),
    forumChoices: options.forums.map((f) => ({ title: f.name, value: f.id })),
    categoryChoices: config.categories.map((c) => ({ title: c.name[locale], value: c.code })),
    token: v.token ?? randomBytes(16).toString('base64url'),
    values: {
      occurredOn: v.occurredOn ?? today,
      concerned: (v.concerned ?? []).join(','),
      reportingOrganisation:
        v.reportingOrganisation ??
        (options.organisations.length === 1 ? (options.organisations[0] ?? '') : ''),
      forumId: v.forumId ?? '',
      category: v.category ?? '',
      description: v.description ?? '',
      consequence: v.consequence ?? '',
      immediateAction: v.immediateAction ?? '',
      solvedLocally: v.solvedLocally ? 'yes' : 'no',
      confirmAnonymous: v.confirmAnonymous ? 'true' : 'false',
    },
  });
}

export const stateName = (t: Translate, s: DeviationState): string => t(`deviations.state.${s}`);

function baseFacts(
  { t, locale }: CardCtx,
  r: DeviationRecord,
  orgs: OrganisationDirectory,
  config: DeviationsConfig,
  forumNames: Readonly<Record<string, string>>,
): Fact[] {
  const category = config.categories.find((c) => c.code === r.category)?.name[locale] ?? r.category;
  const zone = config.timeZone;
  return [
    { title: t('deviations.field.state'), value: stateName(t, r.state) },
    { title: t('deviations.field.category'), value: category },
    {
      title: t('deviations.field.concerned'),
      value: r.concerned.map((o) => orgs.name(o, locale)).join(', '),
    },
    {
      title: t('deviations.field.reportingOrganisation'),
      value: orgs.name(r.reportingOrganisation, locale),
    },
    ...(r.forumId
      ? [{ title: t('deviations.field.forum'), value: forumNames[r.forumId] ?? r.forumId }]
      : []),
    { title: t('deviations.field.occurredOn'), value: dateWords(r.occurredOn, zone, locale) },
    {
      title: t('deviations.field.replyDue'),
      value: formatMeetingDate(r.replyDueAt, zone, locale),
    },
    {
      title: t('deviations.field.solvedLocally'),
      value: r.solvedLocally ? t('deviations.yes') : t('deviations.no'),
    },
    ...(r.escalatedTo
      ? [
          {
            title: t('deviations.field.escalatedTo'),
            value: forumNames[r.escalatedTo] ?? r.escalatedTo,
          },
        ]
      : []),
    ...(r.followedUp
      ? [
          {
            title: t('deviations.field.followedUp'),
            value: formatMeetingDate(r.followedUp.at, zone, locale),
          },
        ]
      : []),
  ];
}

export function receiptCard(
  ctx: CardCtx,
  record: DeviationRecord,
  orgs: OrganisationDirectory,
  config: DeviationsConfig,
  forumNames: Readonly<Record<string, string>>,
): AdaptiveCardJson {
  const { t } = ctx;
  return renderCard('deviations/receipt', receiptTemplate, {
    labels: {
      title: t('deviations.receipt.title'),
      nextTitle: t('deviations.receipt.nextTitle'),
      list: t('deviations.receipt.list'),
    },
    code: record.code,
    facts: baseFacts(ctx, record, orgs, config, forumNames).slice(1),
    next: t('deviations.receipt.next', {
      code: record.code,
      days: config.replyDays,
    }),
  });
}

export interface DetailState {
  status?: { text: string; good: boolean } | undefined;
  answer?: { cause?: string; action?: string; followUp?: string } | undefined;
  review?: FieldReview | undefined;
}

export function detailCard(
  ctx: CardCtx,
  view: DeviationView,
  orgs: OrganisationDirectory,
  config: DeviationsConfig,
  state: DetailState = {},
): AdaptiveCardJson {
  const { t, locale } = ctx;
  const r = view.record;
  const review: FieldReview = state.review ?? { findings: [], warnings: [] };
  const text = (field: DeviationTextField, value: string | undefined) =>
    value ? [{ label: t(`deviations.field.${field}`), text: value }] : [];
  const statusLines = state.status ? [state.status.text] : [];
  if (review.findings.length + review.warnings.length > 0) {
    statusLines.push(t('gate.intro'));
    statusLines.push(...reviewLines(t, review, (f) => fieldLabel(t, f)));
  }
  return renderCard('deviations/detail', detailTemplate, {
    labels: {
      title: t('deviations.detail.title', { code: r.code }),
      answerTitle: t('deviations.detail.answerTitle'),
      cause: t('deviations.field.cause'),
      action: t('deviations.field.action'),
      followUp: t('deviations.field.followUp'),
      required: t('deviations.form.required'),
      take: t('deviations.detail.take'),
      answer: t('deviations.detail.answer'),
      escalateTo: t('deviations.detail.escalateTo'),
      escalate: t('deviations.detail.escalate'),
      close: t('deviations.detail.close'),
      list: t('deviations.detail.list'),
      history: t('deviations.detail.history'),
    },
    code: r.code,
    statusLines,
    statusColor: state.status?.good === true && statusLines.length === 1 ? 'Good' : 'Attention',
    facts: baseFacts(ctx, r, orgs, config, view.forumNames),
    texts: [
      ...text('description', r.description),
      ...text('consequence', r.consequence),
      ...text('immediateAction', r.immediateAction),
      ...text('cause', r.answer?.cause),
      ...text('action', r.answer?.action),
      ...text('followUp', r.answer?.followUp),
    ],
    purged: r.textPurgedAt ? t('deviations.detail.purged') : '',
    history: r.history.map((h) =>
      t('deviations.detail.historyLine', {
        when: formatMeetingDate(h.at, config.timeZone, locale),
        state: stateName(t, h.to),
      }),
    ),
    canTake: view.access.take,
    canAnswer: view.access.answer,
    canEscalate: view.access.escalate && view.escalationForums.length > 0,
    canClose: view.access.close,
    notes: Object.fromEntries(ANSWER_TEXT_FIELDS.map((f) => [f, fieldNotes(t, review, f)])),
    maxLength: MAX_TEXT_LENGTH,
    escalationChoices: view.escalationForums.map((f) => ({ title: f.name, value: f.id })),
    values: {
      cause: state.answer?.cause ?? '',
      action: state.answer?.action ?? '',
      followUp: state.answer?.followUp ?? '',
      forumId: view.escalationForums[0]?.id ?? '',
    },
  });
}

export function listCard(
  ctx: CardCtx,
  lists: DeviationLists,
  orgs: OrganisationDirectory,
  config: DeviationsConfig,
): AdaptiveCardJson {
  const { t, locale } = ctx;
  const item = (r: DeviationRecord) => {
    const overdue = UNANSWERED_STATES.includes(r.state) && r.replyDueAt <= lists.now;
    const category =
      config.categories.find((c) => c.code === r.category)?.name[locale] ?? r.category;
    return {
      code: r.code,
      heading: `${r.code} · ${category}`,
      details: t('deviations.list.details', {
        state: stateName(t, r.state),
        organisations: r.concerned.map((o) => orgs.name(o, locale)).join(', '),
        due: formatMeetingDate(r.replyDueAt, config.timeZone, locale),
      }),
      overdue: overdue ? t('deviations.list.overdue') : '',
    };
  };
  const section = (title: string, records: DeviationRecord[] | null, empty: string) =>
    records === null
      ? []
      : [{ title, empty: records.length === 0 ? empty : '', items: records.map(item) }];
  const f = lists.filters;
  return renderCard('deviations/list', listTemplate, {
    labels: {
      title: t('deviations.list.title'),
      filters: t('deviations.list.filters'),
      category: t('deviations.field.category'),
      forum: t('deviations.field.forum'),
      age: t('deviations.list.age'),
      overdue: t('deviations.list.onlyOverdue'),
      filter: t('deviations.list.filter'),
      show: t('deviations.list.show'),
      report: t('deviations.list.report'),
    },
    isManager: lists.managed !== null,
    categoryChoices: config.categories.map((c) => ({ title: c.name[locale], value: c.code })),
    forumChoices: lists.forums.map((fo) => ({ title: fo.name, value: fo.id })),
    ageChoices: [30, 60, 90].map((d) => ({
      title: t('deviations.list.olderThan', { days: d }),
      value: String(d),
    })),
    values: {
      category: f.category ?? '',
      forumId: f.forumId ?? '',
      olderThanDays: f.olderThanDays ? String(f.olderThanDays) : '',
      overdue: f.overdue ? 'true' : 'false',
    },
    sections: [
      ...section(t('deviations.list.managed'), lists.managed, t('deviations.list.managedNone')),
      ...section(
        t('deviations.list.escalated'),
        lists.escalated,
        t('deviations.list.escalatedNone'),
      ),
      ...section(t('deviations.list.unrouted'), lists.unrouted, t('deviations.list.unroutedNone')),
      ...section(t('deviations.list.mine'), lists.mine, t('deviations.list.mineNone')),
    ],
  });
}

export interface NoticeData {
  title: string;
  lines: string[];
  facts: Fact[];
  /** A "show" button for this code. */
  show?: string | undefined;
  showTitle?: string;
  /** A "take it on" button for this code. */
  take?: string | undefined;
  takeTitle?: string;
  /** A button opening the prefilled report form. */
  open?: { absentFrom: string; organisation: string } | undefined;
  openTitle?: string;
}

/** A proactive message: codes and fixed labels only (the outbox never holds typed text). */
export function noticeCard(_t: Translate, n: NoticeData): AdaptiveCardJson {
  return renderCard('deviations/notice', noticeTemplate, {
    title: n.title,
    lines: n.lines,
    facts: n.facts,
    show: n.show ?? '',
    showTitle: n.showTitle ?? '',
    take: n.take ?? '',
    takeTitle: n.takeTitle ?? '',
    hasOpen: !!n.open,
    open: n.open ?? { absentFrom: '', organisation: '' },
    openTitle: n.openTitle ?? '',
  });
}

/** In a channel or group chat: a launcher that opens the form or the list for the clicking user only. */
export function startCard({ t }: CardCtx, kind: 'form' | 'list'): AdaptiveCardJson {
  return renderCard('deviations/start', startTemplate, {
    kind,
    title: kind === 'form' ? t('deviations.form.title') : t('deviations.list.title'),
    text: kind === 'form' ? t('deviations.start.formText') : t('deviations.start.listText'),
    button: kind === 'form' ? t('deviations.start.formButton') : t('deviations.start.listButton'),
  });
}
