// ISO 8601 instants and the TimeInterval filter: half-open [StartUtc, EndUtc), equality when the
// two are equal, at most three calendar months long.
import type { TimeInterval } from '../contract/common.ts';
import { invalidParameter } from './errors.ts';

const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

export interface Instant {
  readonly ms: number;
  /** Whether the text carried fractions of a second. */
  readonly hasFraction: boolean;
}

/** Parses a date or date-time; a missing zone means UTC. `undefined` when it is not a real instant. */
export function parseInstant(text: string): Instant | undefined {
  const match = isoPattern.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction, zone] = match;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  const local = Date.UTC(year, month - 1, day, hour, minute, second, fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day ||
    check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zoneHours = Number(digits.slice(0, 2));
    const zoneMinutes = Number(digits.slice(2) || '0');
    if (zoneHours > 23 || zoneMinutes > 59) return undefined;
    offsetMinutes = sign * (zoneHours * 60 + zoneMinutes);
  }
  return { ms: local - offsetMinutes * 60_000, hasFraction: fraction !== undefined };
}

/** Stored form: fixed-width ISO with milliseconds, so text order is time order. */
export const toStoredTime = (date: Date | number) => new Date(date).toISOString();

/** Wire form: `YYYY-MM-DDThh:mm:ssZ`. */
export const toWireTime = (stored: string) => `${stored.slice(0, 19)}Z`;

/** A filter range in stored form, `from` inclusive, `to` exclusive. */
export interface TimeRange {
  readonly from: string;
  readonly to: string;
}

function addCalendarMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}

export function toTimeRange(parameter: string, interval: TimeInterval): TimeRange {
  const start = parseInstant(interval.StartUtc);
  if (!start) throw invalidParameter(`${parameter}.StartUtc`, 'not an ISO 8601 date-time.');
  const end = parseInstant(interval.EndUtc);
  if (!end) throw invalidParameter(`${parameter}.EndUtc`, 'not an ISO 8601 date-time.');
  if (start.ms > end.ms) throw invalidParameter(parameter, 'StartUtc is after EndUtc.');
  if (end.ms > addCalendarMonths(start.ms, 3)) throw invalidParameter(parameter, 'the interval is longer than 3 months.');
  if (start.ms === end.ms) {
    // Equality. Records carry milliseconds but are shown to the second, so a value written to the
    // second matches the whole second it names.
    return { from: toStoredTime(start.ms), to: toStoredTime(start.ms + (start.hasFraction ? 1 : 1000)) };
  }
  return { from: toStoredTime(start.ms), to: toStoredTime(end.ms) };
}
