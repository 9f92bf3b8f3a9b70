/**
 * Message → Get Many against Jelou's chat-history page (fixtures/jelou-history-docs.ts): the node
 * sends the documented request on the documented host and reads every documented answer.
 */
import nock from 'nock';

import { Jelou } from '../../../../../nodes/Jelou/Jelou.node';
import {
	DOC_API_URL,
	DOC_HISTORY_200,
	DOC_HISTORY_ANSWERS,
	DOC_HISTORY_MESSAGE,
	DOC_HISTORY_PATH,
	DOC_HISTORY_QUERY,
} from '../../../../fixtures/jelou-history-docs';
import { basicCredentials, runNode } from '../../../../support/context';
import { answerWithNockOnly } from '../../../../support/nock';

const node = new Jelou();
const { origin, pathname } = new URL(DOC_API_URL);
const path = `${pathname}${DOC_HISTORY_PATH.replace('{botId}', 'BOT_ID')}`;

const params = {
	resource: 'message',
	operation: 'getAll',
	botId: 'BOT_ID',
	returnAll: false,
	limit: 10,
	filters: {
		clientId: '1234567890',
		startAt: '2025-01-15T00:00:00.000Z',
		endAt: '2025-01-16T00:00:00.000Z',
		messageId: 'msg-12345-67890-4a38-abcde-fghij',
	},
	simplify: false,
	transcript: false,
	options: { maxRetries: 0 },
};

answerWithNockOnly();

describe('the chat-history page', () => {
	it('the node sends only documented query parameters, within their limits, with Basic', async () => {
		let query: Record<string, string> = {};
		let authorization = '';
		nock(origin)
			.get(path)
			.query(true)
			.reply(function (uri) {
				query = Object.fromEntries(new URL(uri, origin).searchParams);
				authorization = String(this.req.headers.authorization);
				return [200, DOC_HISTORY_200];
			});
		await runNode(node, { params, credentials: basicCredentials });
		for (const name of Object.keys(query)) expect(Object.keys(DOC_HISTORY_QUERY)).toContain(name);
		expect(Number(query.limit)).toBeLessThanOrEqual(DOC_HISTORY_QUERY.limit.max);
		expect(query.page).toBe('1');
		for (const date of [query.startAt, query.endAt]) {
			expect(new Date(date).toISOString()).toBe(date);
		}
		expect(authorization).toMatch(/^Basic /);
	});

	it('reads the documented 200 sample as its one message, unchanged', async () => {
		nock(origin).get(path).query(true).reply(200, DOC_HISTORY_200);
		const { output } = await runNode(node, { params, credentials: basicCredentials });
		expect(output.map((item) => item.json)).toEqual([DOC_HISTORY_MESSAGE]);
	});

	it('simplifies and transcribes the documented sample', async () => {
		nock(origin).get(path).query(true).reply(200, DOC_HISTORY_200);
		const { output } = await runNode(node, {
			params: { ...params, simplify: true, transcript: true },
			credentials: basicCredentials,
		});
		expect(output[0].json.transcript).toBe(
			'2025-01-15 10:30:00 UTC Your Company Bot: Hello, welcome to Jelou',
		);
		expect(output[0].json.messages).toEqual([
			{
				time: '2025-01-15T10:30:00.000Z',
				direction: 'outgoing',
				sender: 'Your Company Bot',
				type: 'text',
				text: 'Hello, welcome to Jelou',
				mediaUrl: null,
				messageId: 'msg-12345-67890-4a38-abcde-fghij',
			},
		]);
	});

	it.each(DOC_HISTORY_ANSWERS.filter((answer) => answer.status !== 200))(
		'turns the documented $name into a clear error with an HTTP code',
		async ({ status, body }) => {
			nock(origin).get(path).query(true).reply(status, body);
			await expect(runNode(node, { params, credentials: basicCredentials })).rejects.toMatchObject({
				httpCode: String(status),
				message: expect.stringContaining('chat history'),
			});
		},
	);
});
