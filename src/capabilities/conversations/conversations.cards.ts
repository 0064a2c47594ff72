import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { Translate } from '../../i18n/i18n';
import welcomeTemplate from '../../../adaptive-cards/core/welcome.json';

export const welcomeCard = (t: Translate): AdaptiveCardJson =>
  renderCard('core/welcome', welcomeTemplate, {
    title: t('welcome.title'),
    body: t('welcome.body'),
    anonymity: t('welcome.anonymity'),
    next: t('welcome.next'),
  });
