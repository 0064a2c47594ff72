// Swedish non-working days (röda dagar + de facto days off) and working-day arithmetic.
// Holiday data: date-holidays (https://github.com/commenthol/date-holidays), data licensed CC-BY-SA 3.0.
import Holidays from 'date-holidays';
import type { LocalDate, MunicipalityCalendarConfig, NonWorkingDay } from './calendar.types';
import { addDays, isoWeekday, isWeekend, yearOf } from './dates';

const se = new Holidays('SE');
const cache = new Map<number, ReadonlyMap<LocalDate, NonWorkingDay>>();

/**
 * De facto days off. date-holidays 3.37 lists midsommarafton, julafton and nyårsafton for SE
 * with type 'bank', not 'public' — legally they are not röda dagar, but nearly all employers
 * (municipalities included) treat them as days off. We derive them from their rules here rather
 * than from the 'bank' type, so a change in the library's classification cannot add or drop
 * days. Half days (trettondagsafton, valborgsmässoafton, allhelgonaafton, type 'optional') and
 * observances (skärtorsdagen, påskafton, pingstafton …) stay working days.
 */
function deFactoDaysOff(year: number): NonWorkingDay[] {
  // Midsommarafton: the Friday between 19 and 25 June.
  let midsummerEve = `${year}-06-19`;
  for (let d = 19; d <= 25; d++) {
    const candidate = `${year}-06-${d}`;
    if (isoWeekday(candidate) === 5) midsummerEve = candidate;
  }
  return [
    { date: midsummerEve, name: 'midsommarafton', nameEn: 'Midsummer Eve', kind: 'deFacto' },
    { date: `${year}-12-24`, name: 'julafton', nameEn: 'Christmas Eve', kind: 'deFacto' },
    { date: `${year}-12-31`, name: 'nyårsafton', nameEn: "New Year's Eve", kind: 'deFacto' },
  ];
}

/** All Swedish public holidays (type 'public' only) and de facto days off in `year`. */
export function swedishNonWorkingDays(year: number): ReadonlyMap<LocalDate, NonWorkingDay> {
  const cached = cache.get(year);
  if (cached) return cached;
  const english = new Map<string, string>();
  for (const h of se.getHolidays(year, 'en')) {
    if (h.type === 'public') english.set(h.date.slice(0, 10), h.name);
  }
  const days = new Map<LocalDate, NonWorkingDay>();
  for (const h of se.getHolidays(year, 'sv')) {
    if (h.type !== 'public') continue;
    const date = h.date.slice(0, 10);
    if (days.has(date)) continue;
    days.set(date, { date, name: h.name, nameEn: english.get(date) ?? h.name, kind: 'public' });
  }
  for (const day of deFactoDaysOff(year)) if (!days.has(day.date)) days.set(day.date, day);
  const sorted = new Map([...days.entries()].sort(([a], [b]) => a.localeCompare(b)));
  cache.set(year, sorted);
  return sorted;
}

/** The non-working day on `date` (national, de facto or municipal), if any. */
export function nonWorkingDayOn(
  date: LocalDate,
  config?: Pick<MunicipalityCalendarConfig, 'extraDaysOff'>,
): NonWorkingDay | undefined {
  const national = swedishNonWorkingDays(yearOf(date)).get(date);
  if (national) return national;
  const extra = config?.extraDaysOff.find((d) => d.date === date);
  return extra
    ? { date, name: extra.name, nameEn: extra.nameEn ?? extra.name, kind: 'municipal' }
    : undefined;
}

/**
 * A working day for staff: Monday–Friday, not a röd dag, not a de facto day off, not a municipal
 * extra day off. School breaks do NOT matter here: staff in social services, police etc. (and
 * school staff on many lov days) work during breaks.
 */
export function isWorkingDay(
  date: LocalDate,
  config?: Pick<MunicipalityCalendarConfig, 'extraDaysOff'>,
): boolean {
  return !isWeekend(date) && nonWorkingDayOn(date, config) === undefined;
}

/** The date `n` working days before `date` (n = 0 returns `date` itself, working day or not). */
export function subtractWorkingDays(
  date: LocalDate,
  n: number,
  config?: Pick<MunicipalityCalendarConfig, 'extraDaysOff'>,
): LocalDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Invalid working-day count: ${n}`);
  let current = date;
  let left = n;
  while (left > 0) {
    current = addDays(current, -1);
    if (isWorkingDay(current, config)) left--;
  }
  return current;
}
