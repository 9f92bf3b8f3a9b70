import {
	MAX_PAGE_SIZE,
	pageSizeFor,
	readHistoryPage,
	sameMessages,
} from '../../../../nodes/Jelou/helpers/history';

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
