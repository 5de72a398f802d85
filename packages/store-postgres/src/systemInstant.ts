/** Where `toISOString` gives `YYYY-MM-DDTHH:mm:ss.sssZ`: from 1970 up to the year 10000. */
const FOUR_DIGIT_YEARS_END = Date.UTC(10000, 0, 1);
/** The milliseconds and the zone of an instant's text, by millisecond: `000Z` to `999Z`. */
const MILLISECOND_TEXTS = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`);
let secondStart = Number.NaN;
let secondText = '';

/**
 * `new Date().toISOString()`: the recorded_at of an INSERT on the system clock, without a Date and its formatting
 * on every append (ADR 0062). The text of the current second is kept and only its milliseconds change.
 */
export function systemInstant(): string {
  const now = Date.now();
  if (now < 0 || now >= FOUR_DIGIT_YEARS_END) return new Date(now).toISOString();
  const ms = now % 1000;
  if (now - ms !== secondStart) {
    secondStart = now - ms;
    secondText = new Date(secondStart).toISOString().slice(0, 20);
  }
  return secondText + MILLISECOND_TEXTS[ms]!;
}
