import { parseRetryAfter } from '../../../../nodes/Jelou/transport';

describe('parseRetryAfter', () => {
	const now = Date.parse('2026-01-15T10:30:00.000Z');

	it.each([
		['0', 0],
		['1', 1000],
		['120', 120_000],
		['1.5', 1500],
		[' 2 ', 2000],
		['Thu, 15 Jan 2026 10:30:05 GMT', 5000],
		['Thu, 15 Jan 2026 10:29:00 GMT', 0],
	])('%j → %j ms', (header, ms) => {
		expect(parseRetryAfter(header, now)).toBe(ms);
	});

	it.each([[''], ['soon'], ['   ']])('%j → no value (backoff applies)', (header) => {
		expect(parseRetryAfter(header, now)).toBeUndefined();
	});
});
