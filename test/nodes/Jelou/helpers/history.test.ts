import { parseDateParameter } from '../../../../nodes/Jelou/helpers/dates';
import {
	MAX_PAGE_SIZE,
	pageSizeFor,
	readHistoryPage,
	sameMessages,
} from '../../../../nodes/Jelou/helpers/history';
import { simplifyMessage, transcriptOf } from '../../../../nodes/Jelou/helpers/transcript';

describe('pageSizeFor', () => {
	it.each([
		[undefined, 50],
		[1, 1],
		[50, 50],
		[51, 26],
		[120, 40],
		[101, 34],
		[1000, 50],
	])('%s wanted → pages of %s', (wanted, size) => {
		expect(pageSizeFor(wanted)).toBe(size);
		expect(pageSizeFor(wanted)).toBeLessThanOrEqual(MAX_PAGE_SIZE);
	});
});

describe('readHistoryPage', () => {
	it('reads totalPages as a number or a numeric text, and ignores anything else', () => {
		expect(readHistoryPage({ pagination: { totalPages: 3 }, results: [] }).totalPages).toBe(3);
		expect(readHistoryPage({ pagination: { totalPages: '4' }, results: [] }).totalPages).toBe(4);
		for (const odd of [null, 'x', -1, {}, Number.NaN]) {
			expect(readHistoryPage({ pagination: { totalPages: odd }, results: [] }).totalPages).toBe(
				undefined,
			);
		}
		expect(readHistoryPage({ pagination: 'none', results: [] }).totalPages).toBeUndefined();
	});

	it('keeps only objects of results, and reads a bare list or an envelope', () => {
		expect(readHistoryPage({ results: [{ a: 1 }, null, 'x', [1]] }).messages).toEqual([{ a: 1 }]);
		expect(readHistoryPage({ results: 'x' }).messages).toEqual([]);
		expect(readHistoryPage([{ a: 1 }]).messages).toEqual([{ a: 1 }]);
		expect(readHistoryPage({ data: { results: [{ a: 2 }] } }).messages).toEqual([{ a: 2 }]);
		expect(readHistoryPage(undefined).messages).toEqual([]);
	});

	it('sameMessages is true only for two equal, non-empty pages', () => {
		expect(sameMessages([{ a: 1 }], [{ a: 1 }])).toBe(true);
		expect(sameMessages([{ a: 1 }], [{ a: 2 }])).toBe(false);
		expect(sameMessages([], [])).toBe(false);
	});
});

describe('simplifyMessage and transcriptOf', () => {
	it('reads a message with almost nothing in it', () => {
		expect(simplifyMessage({})).toEqual({
			time: null,
			direction: 'unknown',
			sender: 'unknown',
			type: 'unknown',
			text: '',
			mediaUrl: null,
			messageId: null,
		});
		expect(simplifyMessage({ by: 'operator', sender: { id: 'agent-7' } })).toMatchObject({
			direction: 'outgoing',
			sender: 'agent-7',
		});
	});

	it('writes media as "[type] url", and a media message without URL as "[type]"', () => {
		const { transcript } = transcriptOf([
			simplifyMessage({
				createdAt: '2026-01-15T10:00:00Z',
				by: 'user',
				sender: { names: 'Ana' },
				bubble: { type: 'AUDIO', mediaUrl: 'https://m.example/a.ogg' },
			}),
			simplifyMessage({ createdAt: 'soon', by: 'bot', bubble: { type: 'IMAGE' } }),
		]);
		expect(transcript).toBe(
			'2026-01-15 10:00:00 UTC Ana: [audio] https://m.example/a.ogg\nsoon bot: [image]',
		);
	});
});

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
