import { parseDateParameter } from '../../../../nodes/Jelou/helpers/dates';

describe('parseDateParameter', () => {
	it('reads a date without an offset in the given time zone, across daylight saving', () => {
		const iso = (value: unknown, zone?: string) =>
			new Date(parseDateParameter(value, zone) as number).toISOString();
		expect(iso('2026-01-15T10:30:00', 'America/Guayaquil')).toBe('2026-01-15T15:30:00.000Z');
		expect(iso('2026-01-15T10:30:00', 'Europe/Madrid')).toBe('2026-01-15T09:30:00.000Z');
		expect(iso('2026-07-15T10:30:00', 'Europe/Madrid')).toBe('2026-07-15T08:30:00.000Z');
		expect(iso('2026-01-15', 'Nowhere/Invalid')).toBe('2026-01-15T00:00:00.000Z');
		expect(iso('2026-01-15T10:30:00+02:00', 'Europe/Madrid')).toBe('2026-01-15T08:30:00.000Z');
	});

	it('accepts Date, Luxon-like objects and milliseconds; empty is no filter; nonsense is NaN', () => {
		expect(parseDateParameter(new Date(0))).toBe(0);
		expect(parseDateParameter({ toISO: () => '2026-01-15T10:30:00.000Z' })).toBe(
			Date.parse('2026-01-15T10:30:00.000Z'),
		);
		expect(parseDateParameter(5)).toBe(5);
		expect(parseDateParameter('')).toBeUndefined();
		expect(parseDateParameter(null)).toBeUndefined();
		expect(parseDateParameter('last tuesday')).toBeNaN();
		expect(parseDateParameter({})).toBeNaN();
	});
});
