import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { Jelou } from '../../../../../nodes/Jelou/Jelou.node';
import {
	TEST_API_KEY,
	TEST_CLIENT_ID,
	TEST_CLIENT_SECRET,
	apiKeyCredentials,
	basicCredentials,
	runNode,
	type ParamValue,
} from '../../../../support/context';
import { answerWithNockOnly } from '../../../../support/nock';
import { API, PATH, historyParams } from './history';

/** The credentials carry no API Base URL (saved before the field existed): the default applies. */
const node = new Jelou();

/** Message `n` of a history: the end user writes the odd ones, the bot the even ones. */
function message(n: number) {
	const fromUser = n % 2 === 1;
	return {
		recipient: fromUser ? { id: 'bot-1' } : { id: 'user-1', names: 'Ana Torres' },
		sender: fromUser
			? { id: 'user-1', name: 'Ana Torres', type: 'Whatsapp' }
			: { id: 'bot-1', name: 'Support Bot', type: 'Whatsapp' },
		by: fromUser ? 'user' : 'bot',
		messageId: `msg-${n}`,
		status: 'DELIVERED_USER',
		bubble: { type: 'TEXT', text: `text ${n}` },
		createdAt: new Date(Date.UTC(2026, 0, 15, 10, 0, n)).toISOString(),
	};
}

function page(numbers: number[], pageNumber: number, totalPages: number, limit = 50) {
	return {
		pagination: {
			limit,
			page: pageNumber,
			total: totalPages * limit,
			offset: (pageNumber - 1) * limit,
			totalPages,
		},
		_metadata: {},
		results: numbers.map(message),
	};
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

const params = (extra: Record<string, ParamValue> = {}) =>
	historyParams({ simplify: false }, extra);

/** Records the query of every request to the history path. */
function historyScope(answers: Array<[number, unknown]>, queries: URLSearchParams[]) {
	const scope = nock(API);
	for (const [status, body] of answers) {
		scope
			.get(PATH)
			.query(true)
			.reply(function (uri) {
				queries.push(new URL(uri, API).searchParams);
				return [status, body as nock.Body];
			});
	}
	return scope;
}

answerWithNockOnly();

describe('Message → Get Many: paging', () => {
	it('walks every page, 50 per request, and stops at totalPages', async () => {
		const queries: URLSearchParams[] = [];
		historyScope(
			[
				[200, page(range(1, 50), 1, 3)],
				[200, page(range(51, 50), 2, 3)],
				[200, page(range(101, 7), 3, 3)],
			],
			queries,
		);
		const { output } = await runNode(node, { params: params() });
		expect(output).toHaveLength(107);
		expect(output[0].json).toEqual(message(1));
		expect(output[106].json).toEqual(message(107));
		expect(queries.map((q) => [q.get('page'), q.get('limit')])).toEqual([
			['1', '50'],
			['2', '50'],
			['3', '50'],
		]);
		for (const item of output) expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('stops at totalPages even when the last page is full', async () => {
		const queries: URLSearchParams[] = [];
		historyScope(
			[
				[200, page(range(1, 50), 1, 2)],
				[200, page(range(51, 50), 2, 2)],
			],
			queries,
		);
		const { output } = await runNode(node, { params: params() });
		expect(output).toHaveLength(100);
		expect(queries).toHaveLength(2);
	});

	it('with Limit, asks for as few pages as needed, evenly sized, and returns exactly Limit', async () => {
		const queries: URLSearchParams[] = [];
		historyScope(
			[
				[200, page(range(1, 40), 1, 9, 40)],
				[200, page(range(41, 40), 2, 9, 40)],
				[200, page(range(81, 40), 3, 9, 40)],
			],
			queries,
		);
		const { output } = await runNode(node, { params: params({ returnAll: false, limit: 120 }) });
		expect(output).toHaveLength(120);
		expect(queries.map((q) => [q.get('page'), q.get('limit')])).toEqual([
			['1', '40'],
			['2', '40'],
			['3', '40'],
		]);
	});

	it('with a small Limit, sends one request of that size and keeps only Limit messages', async () => {
		const queries: URLSearchParams[] = [];
		// A server that ignores `limit` and sends more: the node still returns only Limit.
		historyScope([[200, page(range(1, 10), 1, 30, 10)]], queries);
		const { output } = await runNode(node, { params: params({ returnAll: false, limit: 3 }) });
		expect(output.map((item) => item.json.messageId)).toEqual(['msg-1', 'msg-2', 'msg-3']);
		expect(queries.map((q) => q.get('limit'))).toEqual(['3']);
	});

	it('without totalPages, stops on a short page', async () => {
		const queries: URLSearchParams[] = [];
		const noTotal = (numbers: number[]) => ({ results: numbers.map(message) });
		historyScope(
			[
				[200, noTotal(range(1, 50))],
				[200, noTotal(range(51, 20))],
			],
			queries,
		);
		const { output } = await runNode(node, { params: params() });
		expect(output).toHaveLength(70);
		expect(queries).toHaveLength(2);
	});

	it('stops on an empty page, and on a page that repeats the one before (page ignored)', async () => {
		const queries: URLSearchParams[] = [];
		const noTotal = { pagination: { totalPages: 'many' }, results: range(1, 50).map(message) };
		historyScope(
			[
				[200, noTotal],
				[200, noTotal],
			],
			queries,
		);
		const { output } = await runNode(node, { params: params() });
		expect(output).toHaveLength(50);
		expect(queries).toHaveLength(2);

		const again: URLSearchParams[] = [];
		historyScope(
			[
				[200, { results: range(1, 50).map(message) }],
				[200, { pagination: { totalPages: 5 }, results: [] }],
			],
			again,
		);
		expect((await runNode(node, { params: params() })).output).toHaveLength(50);
		expect(again).toHaveLength(2);
	});

	it('reads a missing results list as no messages, and an answer wrapped in the envelope', async () => {
		const queries: URLSearchParams[] = [];
		historyScope([[200, { pagination: { totalPages: 0 }, _metadata: {} }]], queries);
		expect((await runNode(node, { params: params() })).output).toEqual([]);
		historyScope([[200, { message: ['ok'], status: 1, data: page([1, 2], 1, 1) }]], queries);
		const { output } = await runNode(node, { params: params() });
		expect(output.map((item) => item.json.messageId)).toEqual(['msg-1', 'msg-2']);
	});
});

describe('Message → Get Many: filters, host and authentication', () => {
	it('sends the filters as query parameters, dates as ISO 8601 in UTC', async () => {
		const queries: URLSearchParams[] = [];
		historyScope([[200, page([1], 1, 1)]], queries);
		await runNode(node, {
			params: params({
				filters: {
					clientId: ' user-1 ',
					messageId: 'msg-9',
					startAt: '2026-01-15T10:30:00.000Z',
					endAt: '2026-01-15T07:45:00-03:00',
				},
			}),
		});
		expect(Object.fromEntries(queries[0])).toEqual({
			clientId: 'user-1',
			messageId: 'msg-9',
			startAt: '2026-01-15T10:30:00.000Z',
			endAt: '2026-01-15T10:45:00.000Z',
			limit: '50',
			page: '1',
		});
	});

	it('reads a date without a time zone in the workflow time zone (UTC here), and Date objects', async () => {
		const queries: URLSearchParams[] = [];
		historyScope([[200, page([1], 1, 1)]], queries);
		await runNode(node, {
			params: params({
				filters: () => ({
					startAt: '2026-01-15T10:30:00',
					endAt: new Date(Date.UTC(2026, 0, 16)),
				}),
			}),
		});
		expect(queries[0].get('startAt')).toBe('2026-01-15T10:30:00.000Z');
		expect(queries[0].get('endAt')).toBe('2026-01-16T00:00:00.000Z');
	});

	it('uses the API Base URL of the credential and sends Basic with a Basic credential', async () => {
		let headers: Record<string, unknown> = {};
		nock('http://127.0.0.1:9')
			.get('/custom/v1/external/messages/history/bot-1')
			.query({ limit: '50', page: '1' })
			.reply(function () {
				headers = this.req.headers;
				return [200, page([1], 1, 1)];
			});
		await runNode(node, {
			params: params(),
			credentials: { ...basicCredentials, apiBaseUrl: 'http://127.0.0.1:9/custom/v1/' },
		});
		const basic = Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64');
		expect(headers.authorization).toBe(`Basic ${basic}`);
		expect(headers['x-api-key']).toBeUndefined();
	});

	it('sends what an API-key credential holds', async () => {
		let headers: Record<string, unknown> = {};
		nock(API)
			.get(PATH)
			.query(true)
			.reply(function () {
				headers = this.req.headers;
				return [200, page([1], 1, 1)];
			});
		await runNode(node, { params: params(), credentials: apiKeyCredentials });
		expect(headers['x-api-key']).toBe(TEST_API_KEY);
		expect(headers.authorization).toBeUndefined();
	});

	it('encodes the Bot ID as one path segment', async () => {
		nock(API)
			.get('/v1/external/messages/history/bot%2F1%3Fx')
			.query(true)
			.reply(200, page([1], 1, 1));
		const { output } = await runNode(node, { params: params({ botId: 'bot/1?x' }) });
		expect(output).toHaveLength(1);
	});
});

describe('Message → Get Many: Simplify and transcript', () => {
	const media = {
		...message(2),
		messageId: 'msg-img',
		by: 'user',
		sender: { id: 'user-1', name: 'Ana Torres' },
		bubble: { type: 'IMAGE', mediaUrl: 'https://media.example.com/a.jpg', text: 'my invoice' },
		createdAt: '2026-01-15T10:00:05.000Z',
	};

	it('Simplify gives one flat record per message', async () => {
		nock(API)
			.get(PATH)
			.query(true)
			.reply(200, { results: [message(2), media] });
		const { output } = await runNode(node, { params: params({ simplify: true }) });
		expect(output.map((item) => item.json)).toEqual([
			{
				time: '2026-01-15T10:00:02.000Z',
				direction: 'outgoing',
				sender: 'Support Bot',
				type: 'text',
				text: 'text 2',
				mediaUrl: null,
				messageId: 'msg-2',
			},
			{
				time: '2026-01-15T10:00:05.000Z',
				direction: 'incoming',
				sender: 'Ana Torres',
				type: 'image',
				text: 'my invoice',
				mediaUrl: 'https://media.example.com/a.jpg',
				messageId: 'msg-img',
			},
		]);
	});

	it('the transcript is one item, oldest message first, one line per message', async () => {
		// Newest first, as Jelou returns the most recent messages first.
		nock(API)
			.get(PATH)
			.query(true)
			.reply(200, {
				results: [
					media,
					message(3),
					{ ...message(1), bubble: { type: 'TEXT', text: 'two\nlines' } },
				],
			});
		const { output } = await runNode(node, {
			params: params({ transcript: true, simplify: true, filters: { clientId: 'user-1' } }),
		});
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json.transcript).toBe(
			[
				'2026-01-15 10:00:01 UTC Ana Torres: two lines',
				'2026-01-15 10:00:03 UTC Ana Torres: text 3',
				'2026-01-15 10:00:05 UTC Ana Torres: [image] https://media.example.com/a.jpg my invoice',
			].join('\n'),
		);
		expect(output[0].json).toMatchObject({ botId: 'bot-1', endUserId: 'user-1', messageCount: 3 });
		expect(
			(output[0].json.messages as Array<{ messageId: string }>).map((m) => m.messageId),
		).toEqual(['msg-1', 'msg-3', 'msg-img']);
	});

	it('an empty history is still one transcript item', async () => {
		nock(API)
			.get(PATH)
			.query(true)
			.reply(200, { pagination: { totalPages: 0 }, results: [] });
		const { output } = await runNode(node, { params: params({ transcript: true }) });
		expect(output.map((item) => item.json)).toEqual([
			{ botId: 'bot-1', messageCount: 0, transcript: '', messages: [] },
		]);
	});

	it('one run per input item: each item its own history, paired with its item', async () => {
		nock(API)
			.get('/v1/external/messages/history/bot-a')
			.query(true)
			.reply(200, { results: [message(1), message(2)] });
		nock(API)
			.get('/v1/external/messages/history/bot-b')
			.query(true)
			.reply(200, { results: [message(3)] });
		const { output } = await runNode(node, {
			items: [{ bot: 'bot-a' }, { bot: 'bot-b' }],
			params: params({ botId: (item: { json: IDataObject }) => item.json.bot }),
		});
		expect(output.map((item) => [item.json.messageId, item.pairedItem])).toEqual([
			['msg-1', { item: 0 }],
			['msg-2', { item: 0 }],
			['msg-3', { item: 1 }],
		]);
	});
});
