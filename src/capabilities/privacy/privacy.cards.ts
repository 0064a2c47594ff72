import { randomBytes } from 'node:crypto';
import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { PersonalDataItem } from '../../core/personal-data';
import type { Locale, Translate } from '../../i18n/i18n';
import personTemplate from '../../../adaptive-cards/privacy/person.json';
import confirmTemplate from '../../../adaptive-cards/privacy/confirm.json';
import type { PersonReport } from './privacy.service';

export interface CardCtx {
  t: Translate;
  locale: Locale;
}

/** Lines per section on the card; the export has them all. */
const LINES_PER_SECTION = 15;

const line = (item: PersonalDataItem): string =>
  Object.entries(item)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' · ');

const nameOf = (t: Translate, r: PersonReport) => r.person?.displayName || t('privacy.unknownName');

/** Everything stored about the person, by module, with export and pseudonymize buttons. */
export function personCard(
  { t, locale }: CardCtx,
  report: PersonReport,
  state: { status?: string; downloadUrl?: string } = {},
): AdaptiveCardJson {
  return renderCard('privacy/person', personTemplate, {
    title: t('privacy.title', { name: nameOf(t, report) }),
    status: state.status ?? '',
    downloadUrl: state.downloadUrl ?? '',
    userId: report.userId,
    facts: [
      { title: t('privacy.name'), value: nameOf(t, report) },
      { title: t('privacy.entraId'), value: report.userId },
    ],
    labels: {
      intro: t('privacy.intro'),
      download: t('privacy.download'),
      exportJson: t('privacy.exportJson'),
      exportCsv: t('privacy.exportCsv'),
      pseudonymize: t('privacy.pseudonymizeButton'),
    },
    sections: report.sections.map((s) => ({
      heading: t('privacy.section', { label: s.label[locale], count: s.items.length }),
      lines:
        s.items.length === 0
          ? [t('privacy.nothing')]
          : [
              ...s.items.slice(0, LINES_PER_SECTION).map(line),
              ...(s.items.length > LINES_PER_SECTION
                ? [t('privacy.more', { count: s.items.length - LINES_PER_SECTION })]
                : []),
            ],
    })),
  });
}

/** The confirmation step: what is replaced, what is kept; the button carries a one-time token. */
export function confirmCard({ t }: CardCtx, report: PersonReport): AdaptiveCardJson {
  return renderCard('privacy/confirm', confirmTemplate, {
    title: t('privacy.confirm.title', { name: nameOf(t, report) }),
    replaced: t('privacy.confirm.replaced'),
    kept: t('privacy.confirm.kept'),
    warning: t('privacy.confirm.warning'),
    userId: report.userId,
    token: randomBytes(16).toString('base64url'),
    labels: { confirm: t('privacy.confirm.button'), cancel: t('privacy.confirm.cancel') },
  });
}
