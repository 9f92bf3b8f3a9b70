/**
 * Dates from n8n parameters, as ISO 8601 in UTC. n8n's date picker gives a local date and time
 * without an offset ("2026-01-15T10:30:00"), meant in the workflow's time zone; expressions may
 * give an ISO text with an offset, a JavaScript Date, a Luxon DateTime ($now) or Unix
 * milliseconds.
 */

/** Date and time without an offset: read in the workflow's time zone. */
const LOCAL_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** The offset of `timeZone` from UTC at the instant `utcMs`, in milliseconds. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
	const asUtc = Date.UTC(
		part('year'),
		part('month') - 1,
		part('day'),
		part('hour'),
		part('minute'),
		part('second'),
	);
	return asUtc - Math.floor(utcMs / 1000) * 1000;
}

function localToUtcMs(match: RegExpExecArray, timeZone: string): number {
	const [, year, month, day, hour = '0', minute = '0', second = '0', ms = '0'] = match;
	const wallClock = Date.UTC(
		Number(year),
		Number(month) - 1,
		Number(day),
		Number(hour),
		Number(minute),
		Number(second),
		Number(ms.padEnd(3, '0')),
	);
	// Twice, so that a date on the other side of a daylight-saving change gets its own offset.
	let utc = wallClock - zoneOffsetMs(wallClock, timeZone);
	utc = wallClock - zoneOffsetMs(utc, timeZone);
	return utc;
}

function validZone(timeZone: string | undefined): string {
	if (!timeZone) return 'UTC';
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return timeZone;
	} catch {
		return 'UTC';
	}
}

/**
 * The instant a parameter value stands for, in Unix milliseconds; undefined when the value is
 * empty, NaN when it is no date.
 */
export function parseDateParameter(value: unknown, timeZone?: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) return value.getTime();
	if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
	if (typeof value === 'object') {
		const toISO = (value as { toISO?: unknown }).toISO;
		if (typeof toISO === 'function') return Date.parse(String(toISO.call(value)));
		return NaN;
	}
	const text = String(value).trim();
	if (text === '') return undefined;
	const local = LOCAL_DATE_TIME.exec(text);
	if (local) return localToUtcMs(local, validZone(timeZone));
	// With an offset or a Z, the text says which instant it is.
	return /[zZ]$|[+-]\d{2}:?\d{2}$/.test(text) ? Date.parse(text) : NaN;
}
