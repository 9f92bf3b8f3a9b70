import { checkBaseUrl, checkId } from '../../shared/ids';

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

describe('base URLs', () => {
	const FALLBACK = 'https://gateway.example.test/v1';

	it.each([
		['https://eu.jelou.test/jelouapi/v1//', 'https://eu.jelou.test/jelouapi/v1'],
		['  http://127.0.0.1:8080/api/  ', 'http://127.0.0.1:8080/api'],
		['', FALLBACK],
		['   ', FALLBACK],
		[undefined, FALLBACK],
	])('uses %j as %s', (value, url) => {
		expect(checkBaseUrl(value, FALLBACK)).toEqual({ url });
	});

	it.each([
		['gateway.jelou.ai/v1', 'is not a valid URL'],
		['ftp://gateway.jelou.ai/v1', 'must start with https://'],
	])('returns the problem with %j instead of raising: %s', (value, problem) => {
		expect(checkBaseUrl(value, FALLBACK)).toEqual({ problem });
	});
});
