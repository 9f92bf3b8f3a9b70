import { checkId } from '../../shared/ids';

describe('ids in URLs', () => {
	it.each([
		['', 'is empty'],
		['   ', 'is empty'],
		['.', 'cannot be "."'],
		['..', 'cannot be ".."'],
		['x'.repeat(1001), 'is too long (1001 characters; at most 1000)'],
		['ab\u0000c', 'contains control characters'],
		['ab\tc', 'contains control characters'],
		['ab\u007fc', 'contains control characters'],
		['ab\u0085c', 'contains control characters'],
		['ab\ud800c', 'contains invalid Unicode (an unpaired surrogate)'],
		[['a'], 'must be text, not an object or a list'],
	])('rejects %j: %s', (id, problem) => {
		expect(checkId(id)).toEqual({ problem });
	});

	it.each([['x'.repeat(1000)], ['a..b'], ['%2E%2E'], ['ñandú-会話'], ['emoji-😀']])(
		'accepts %j',
		(id) => {
			expect(checkId(id)).toEqual({ id });
		},
	);
});
