import { randomBytes } from 'node:crypto';
import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { OrganisationDirectory } from '../../core/organisations';
import type { Locale, Translate } from '../../i18n/i18n';
import { fieldNotes, reviewLines, type FieldReview } from '../anonymity';
import { formatMeetingDate, formatTime } from '../calendar';
import type { Meeting } from '../meetings';
import formTemplate from '../../../adaptive-cards/cases/form.json';
import mineTemplate from '../../../adaptive-cards/cases/mine.json';
import receiptTemplate from '../../../adaptive-cards/cases/receipt.json';
import startTemplate from '../../../adaptive-cards/cases/start.json';
import type { CasesConfig } from './cases.config';
import { MAX_TEXT_LENGTH } from './cases.config';
import type { CaseFormOptions, MyCase, SubmitResult } from './cases.service';
import type { CaseStatus, FreeTextField } from './cases.types';
import { AGE_BANDS, FREE_TEXT_FIELDS, URGENCIES } from './cases.types';

export interface CardCtx {
  t: Translate;
  locale: Locale;
}

/** "torsdag 12 mars kl. 13.00" / "Thursday 12 March, 13:00". */
export function when(date: Date, zone: string, locale: Locale): string {
  const day = formatMeetingDate(date, zone, locale);
  const time = formatTime(date, zone, locale);
  return locale === 'sv' ? `${day} ${time}` : `${day}, ${time}`;
}
const meetingWhen = (m: Meeting, locale: Locale) => when(m.start, m.timeZone, locale);

/** What the user had typed or chosen: kept when the form comes back. */
export interface FormValues {
  /** The card's one-time token: kept when the form comes back, so a repeat creates one case. */
  token?: string | undefined;
  meetingId?: string | undefined;
  organisation?: string | undefined;
  ageBand?: string | undefined;
  concerns?: readonly string[] | undefined;
  description?: string | undefined;
  tried?: string | undefined;
  question?: string | undefined;
  urgency?: string | undefined;
  /** The confirmation toggle after a warning ("true" when ticked). */
  confirmAnonymous?: boolean | undefined;
}

export interface FormState {
  values?: FormValues;
  /** What the anonymity gate found (no text: field, kind, sentence). */
  review?: FieldReview;
  status?: string;
}

const fieldLabel = (t: Translate, field: string): string =>
  (FREE_TEXT_FIELDS as readonly string[]).includes(field)
    ? t(`cases.field.${field as FreeTextField}`)
    : field;

export function caseFormCard(
  { t, locale }: CardCtx,
  options: CaseFormOptions,
  orgs: OrganisationDirectory,
  config: CasesConfig,
  state: FormState = {},
): AdaptiveCardJson {
  const v = state.values ?? {};
  const review: FieldReview = state.review ?? { findings: [], warnings: [] };
  const label = (field: string) => fieldLabel(t, field);
  const statusLines: string[] = [];
  if (state.status) statusLines.push(state.status);
  if (options.requestedClosed)
    statusLines.push(
      t('cases.form.requestedClosed', { meeting: meetingWhen(options.requestedClosed, locale) }),
    );
  if (review.findings.length > 0) {
    statusLines.push(t('gate.intro'));
    statusLines.push(...reviewLines(t, { findings: review.findings, warnings: [] }, label));
  }
  const warningLines = reviewLines(t, { findings: [], warnings: review.warnings }, label);
  const notes = Object.fromEntries(
    FREE_TEXT_FIELDS.map((field) => [field, fieldNotes(t, review, field)]),
  );
  const singleOrganisation = options.organisations.length === 1 ? options.organisations[0] : '';
  return renderCard('cases/form', formTemplate, {
    labels: {
      title: t('cases.form.title'),
      intro: t('cases.form.intro'),
      meeting: t('cases.field.meeting'),
      organisation: t('cases.field.organisation'),
      ageBand: t('cases.field.ageBand'),
      concerns: t('cases.field.concerns'),
      description: t('cases.field.description'),
      descriptionHint: t('cases.form.descriptionHint'),
      tried: t('cases.field.tried'),
      triedHint: t('cases.form.triedHint'),
      question: t('cases.field.question'),
      questionHint: t('cases.form.questionHint'),
      urgency: t('cases.field.urgency'),
      required: t('cases.form.required'),
      submit: t('cases.form.submit'),
    },
    statusLines,
    warning: {
      title: t('gate.warning.title'),
      lines: warningLines,
      why: t('gate.warning.why'),
      how: t('gate.warning.how'),
      confirm: t('gate.warning.confirm'),
      hint: t('gate.warning.confirmHint'),
    },
    notes,
    maxLength: MAX_TEXT_LENGTH,
    meetingChoices: options.forums.flatMap(({ forum, meetings }) =>
      meetings.map((m) => ({
        title: t('cases.form.meetingChoice', {
          forum: forum.name,
          meeting: meetingWhen(m, locale),
          deadline: when(m.deadlineAt, m.timeZone, locale),
        }),
        value: m.id,
      })),
    ),
    organisationChoices: options.organisations.map((o) => ({
      title: orgs.name(o, locale),
      value: o,
    })),
    ageBandChoices: AGE_BANDS.map((a) => ({ title: t(`cases.ageBand.${a}`), value: a })),
    concernChoices: config.concerns.map((c) => ({ title: c.label[locale], value: c.code })),
    urgencyChoices: URGENCIES.map((u) => ({ title: t(`cases.urgency.${u}`), value: u })),
    token: v.token ?? randomBytes(16).toString('base64url'),
    values: {
      meetingId: v.meetingId ?? options.selectedMeetingId ?? '',
      organisation: v.organisation ?? singleOrganisation ?? '',
      ageBand: v.ageBand ?? '',
      concerns: (v.concerns ?? []).join(','),
      description: v.description ?? '',
      tried: v.tried ?? '',
      question: v.question ?? '',
      urgency: v.urgency ?? 'normal',
      confirmAnonymous: v.confirmAnonymous ? 'true' : 'false',
    },
  });
}

export function receiptCard(
  { t, locale }: CardCtx,
  result: SubmitResult,
  orgs: OrganisationDirectory,
  config: CasesConfig,
): AdaptiveCardJson {
  const { record, forum, meeting, rolledOverFrom } = result;
  const concernLabel = (code: string) =>
    config.concerns.find((c) => c.code === code)?.label[locale] ?? code;
  return renderCard('cases/receipt', receiptTemplate, {
    labels: {
      title: t('cases.receipt.title'),
      nextTitle: t('cases.receipt.nextTitle'),
      another: t('cases.receipt.another'),
    },
    code: record.code,
    forumId: forum.id,
    rolledOver: rolledOverFrom
      ? t('cases.receipt.rolledOver', {
          chosen: meetingWhen(rolledOverFrom, locale),
          meeting: meetingWhen(meeting, locale),
        })
      : '',
    facts: [
      { title: t('cases.receipt.forum'), value: forum.name },
      { title: t('cases.receipt.meeting'), value: meetingWhen(meeting, locale) },
      {
        title: t('cases.field.organisation'),
        value: orgs.name(record.raisingOrganisation, locale),
      },
      { title: t('cases.field.ageBand'), value: t(`cases.ageBand.${record.ageBand}`) },
      { title: t('cases.field.concerns'), value: record.concerns.map(concernLabel).join(', ') },
      { title: t('cases.field.urgency'), value: t(`cases.urgency.${record.urgency}`) },
    ],
    next: t('cases.receipt.next', { code: record.code }),
  });
}

export const statusName = (t: Translate, status: CaseStatus): string => t(`cases.status.${status}`);

/**
 * The start of a text for a list: whitespace collapsed, at most `max` characters (plus "…" when
 * anything was left out), cut at a word boundary.
 */
export function excerpt(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  // The last space at or before `max` ends a whole word; one very long word is cut at `max`.
  const space = flat.lastIndexOf(' ', max);
  const cut = flat.slice(0, space >= max / 2 ? space : max);
  return `${cut.replace(/[\s,;:.–-]+$/, '')}…`;
}

/**
 * `mina ärenden`: each case with its code, forum, meeting, status, age band, concerns and the start
 * of its question. A case that may still be withdrawn has an "Återkalla …" button; it comes back
 * with the case asking to confirm (`confirm`). A button per case instead of a ShowCard with its
 * own card keeps 30 cases well under Teams' 28 KB.
 */
export function myCasesCard(
  { t, locale }: CardCtx,
  cases: readonly MyCase[],
  config: CasesConfig,
  options: { status?: { text: string; good: boolean }; confirm?: string | undefined } = {},
): AdaptiveCardJson {
  const { status, confirm } = options;
  const concernLabel = (code: string) =>
    config.concerns.find((c) => c.code === code)?.label[locale] ?? code;
  const item = (c: MyCase) => {
    const confirming = c.canWithdraw && c.record.code === confirm;
    return {
      code: c.record.code,
      heading: t('cases.mine.heading', { code: c.record.code, forum: c.forumName }),
      details: t('cases.mine.details', {
        meeting: c.meeting ? meetingWhen(c.meeting, locale) : t('cases.mine.unknownMeeting'),
        status: statusName(t, c.record.status),
      }),
      about: t('cases.mine.about', {
        ageBand: t(`cases.ageBand.${c.record.ageBand}`),
        concerns: c.record.concerns.map(concernLabel).join(', '),
      }),
      question: c.record.textPurgedAt
        ? t('cases.mine.textPurged', {
            date: formatMeetingDate(c.record.textPurgedAt, 'Europe/Stockholm', locale, {
              withYear: true,
            }),
          })
        : c.record.question.trim()
          ? t('cases.mine.question', { question: excerpt(c.record.question) })
          : '',
      confirming,
      confirmText: confirming ? t('cases.mine.confirm', { code: c.record.code }) : '',
    };
  };
  return renderCard('cases/mine', mineTemplate, {
    labels: {
      title: t('cases.mine.title'),
      none: t('cases.mine.none'),
      withdraw: t('cases.mine.withdraw'),
      confirm: t('cases.mine.confirmButton'),
      keep: t('cases.mine.keep'),
      newCase: t('cases.mine.newCase'),
    },
    status: status?.text ?? '',
    statusColor: status?.good === false ? 'Attention' : 'Good',
    openCases: cases.filter((c) => c.canWithdraw).map(item),
    otherCases: cases.filter((c) => !c.canWithdraw).map(item),
  });
}

/**
 * In a channel or group chat, a card posted by the bot is the same for everyone; the answer to a
 * click (Action.Execute) replaces it for the clicking user only. So there the bot posts this
 * launcher, and each user's own form or list opens in their own view.
 */
export function startCard({ t }: CardCtx, kind: 'form' | 'mine'): AdaptiveCardJson {
  return renderCard('cases/start', startTemplate, {
    kind,
    title: kind === 'form' ? t('cases.form.title') : t('cases.mine.title'),
    text: kind === 'form' ? t('cases.start.formText') : t('cases.start.mineText'),
    button: kind === 'form' ? t('cases.start.formButton') : t('cases.start.mineButton'),
  });
}
