/** The hour a daily digest goes out, local time. */
export const DIGEST_HOUR = 8;

/** The wall-clock parts of an instant in a time zone. */
function localParts(ms: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The instant a local wall-clock time happens in a time zone (the later one when a clock change repeats it). */
function instantOf(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wanted = Date.UTC(year, month - 1, day, hour);
  let guess = wanted;
  // Two corrections settle any offset, across a daylight-saving change too.
  for (let i = 0; i < 3; i++) {
    const p = localParts(guess, timeZone);
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    guess += wanted - seen;
  }
  return guess;
}

/** The next 08:00 in `timeZone` strictly after `now`. */
export function nextDigestAt(now: number, timeZone: string): number {
  const today = localParts(now, timeZone);
  const at = instantOf(today.year, today.month, today.day, DIGEST_HOUR, timeZone);
  if (at > now) return at;
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  return instantOf(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate(), DIGEST_HOUR, timeZone);
}
