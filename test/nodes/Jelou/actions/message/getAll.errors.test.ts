import nock from 'nock';
import type { IDataObject, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { Jelou } from '../../../../../nodes/Jelou/Jelou.node';
import {
	DOC_HISTORY_401,
	DOC_HISTORY_404,
	DOC_HISTORY_MESSAGE,
} from '../../../../fixtures/jelou-history-docs';
import {
	TEST_API_KEY,
	TOOL_NODE,
	apiKeyCredentials,
	basicCredentials,
	expectNoSecrets,
	runNode,
	type ParamValue,
} from '../../../../support/context';
import { answerWithNockOnly } from '../../../../support/nock';
import { API, PATH, historyParams } from './history';

const node = new Jelou();

const params = (extra: Record<string, ParamValue> = {}) => historyParams({ simplify: true }, extra);

async function failure(
	options: Parameters<typeof runNode>[1],
): Promise<NodeApiError | NodeOperationError> {
	try {
		await runNode(node, options);
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('the node did not fail');
}

answerWithNockOnly();

describe('Message → Get Many: Jelou errors', () => {
	it('401 with an API-key credential says Jelou documents Client ID and Secret for the history', async () => {
		nock(API).get(PATH).query(true).reply(401, DOC_HISTORY_401);
		const error = await failure({ params: params(), credentials: apiKeyCredentials });
		expect(error.message).toBe('Jelou rejected the credentials for the chat history (HTTP 401)');
		expect(error.description).toContain(
			'Jelou documents Client ID and Secret (Basic) for the chat history',
		);
		expect(error.description).toContain('Authentication failed');
		expect(error.context.itemIndex).toBe(0);
		expect((error as NodeApiError).httpCode).toBe('401');
		expectNoSecrets(error);
	});

	it('401 with a Basic credential points at the client ID and secret', async () => {
		nock(API).get(PATH).query(true).reply(401, DOC_HISTORY_401);
		const error = await failure({ params: params(), credentials: basicCredentials });
		expect(error.message).toBe('Jelou rejected the credentials for the chat history (HTTP 401)');
		expect(error.description).toMatch(/^Check the client ID and client secret/);
		expect(error.description).not.toContain('API key');
		expectNoSecrets(error);
	});

	it('404 BOT_NOT_FOUND names the bot and how to fix it', async () => {
		nock(API).get(PATH).query(true).reply(404, DOC_HISTORY_404);
		const error = await failure({ params: params() });
		expect(error.message).toBe("Jelou found no bot 'bot-1' for the chat history (HTTP 404)");
		expect(error.description).toContain('BOT_NOT_FOUND');
		expect(error.description).toContain('Check the Bot ID');
		expect(error.description).toContain('The Bot could not be found at the moment.');
	});

	/** Page 1 of 2, full: 50 messages. */
	const firstOfTwoPages = () =>
		nock(API)
			.get(PATH)
			.query({ limit: '50', page: '1' })
			.reply(200, {
				pagination: { totalPages: 2 },
				results: Array.from({ length: 50 }, () => DOC_HISTORY_MESSAGE),
			});

	it('retries a 429 (Retry-After) and goes on to the next page', async () => {
		firstOfTwoPages()
			.get(PATH)
			.query({ limit: '50', page: '2' })
			.reply(429, { message: 'Too many requests' }, { 'Retry-After': '0' })
			.get(PATH)
			.query({ limit: '50', page: '2' })
			.reply(200, {
				pagination: { totalPages: 2 },
				results: [{ ...DOC_HISTORY_MESSAGE, messageId: 'last' }],
			});
		const { output } = await runNode(node, { params: params({ options: { maxRetries: 2 } }) });
		expect(output).toHaveLength(51);
		expect(output[50].json.messageId).toBe('last');
	});

	it('a failure on a later page says which page', async () => {
		firstOfTwoPages().get(PATH).query({ limit: '50', page: '2' }).reply(500, { message: 'boom' });
		const error = await failure({ params: params() });
		expect(error.message).toBe('Jelou failed to process the request (HTTP 500): boom');
		expect(error.description).toContain('It happened on page 2 of the history.');
	});
});

describe('Message → Get Many: bad input fails the item, naming the field, before any request', () => {
	it.each([
		['an empty Bot ID', { botId: ' ' }, 'Bot ID is empty (item 0)'],
		[
			'a From that is no date',
			{ filters: { startAt: 'yesterday' } },
			'From is not a valid date (item 0)',
		],
		[
			'a To that is no date',
			{ filters: { endAt: '2026-13-45T99:00:00Z' } },
			'To is not a valid date (item 0)',
		],
		[
			'From after To',
			{ filters: { startAt: '2026-01-16T00:00:00Z', endAt: '2026-01-15T00:00:00Z' } },
			'From (2026-01-16T00:00:00.000Z) is after To (2026-01-15T00:00:00.000Z) (item 0)',
		],
		[
			'an End User ID that is an object',
			{ filters: { clientId: { id: 1 } } },
			'End User ID must be text, not an object or a list (item 0)',
		],
		[
			'a Limit of 0',
			{ returnAll: false, limit: 0 },
			'Limit must be a whole number of at least 1 (item 0)',
		],
	])('%s', async (_name, extra, message) => {
		const error = await failure({ params: params(extra as Record<string, ParamValue>) });
		expect(error.message).toBe(message);
		expect(error.context.itemIndex).toBe(0);
		expect(error.description).toBeTruthy();
	});

	it('under Continue, a bad item becomes { error } and the others are returned', async () => {
		nock(API)
			.get('/v1/external/messages/history/bot-ok')
			.query(true)
			.reply(200, { results: [DOC_HISTORY_MESSAGE] });
		nock(API)
			.get('/v1/external/messages/history/bot-missing')
			.query(true)
			.reply(404, DOC_HISTORY_404);
		const { output } = await runNode(node, {
			items: [{ bot: '' }, { bot: 'bot-ok' }, { bot: 'bot-missing' }],
			params: params({ botId: (item: { json: IDataObject }) => item.json.bot }),
			continueOnFail: true,
		});
		expect(output.map((item) => [item.json.error ?? item.json.messageId, item.pairedItem])).toEqual(
			[
				['Bot ID is empty (item 0)', { item: 0 }],
				['msg-12345-67890-4a38-abcde-fghij', { item: 1 }],
				["Jelou found no bot 'bot-missing' for the chat history (HTTP 404)", { item: 2 }],
			],
		);
		expect(output[0].error).toBeDefined();
		expect(output[2].error).toBeDefined();
		expect(output[1].error).toBeUndefined();
	});
});

describe('Message → Get Many as an AI Agent tool', () => {
	it('returns the messages, and a 401 as { error, hint } with the Client ID and Secret hint', async () => {
		nock(API)
			.get(PATH)
			.query(true)
			.reply(200, { results: [DOC_HISTORY_MESSAGE] });
		const ok = await runNode(node, { params: params(), node: TOOL_NODE });
		expect(ok.output.map((item) => item.json.text)).toEqual(['Hello, welcome to Jelou']);

		nock(API).get(PATH).query(true).reply(401, DOC_HISTORY_401);
		const { output } = await runNode(node, { params: params(), node: TOOL_NODE });
		expect(output).toHaveLength(1);
		expect(output[0].json.error).toBe(
			'Jelou rejected the credentials for the chat history (HTTP 401)',
		);
		expect(output[0].json.hint).toContain('Jelou documents Client ID and Secret (Basic)');
	});
});

describe('Message → Get Many: secrets', () => {
	it('a secret Jelou echoes is redacted from outputs, transcripts and errors', async () => {
		const echoed = {
			...DOC_HISTORY_MESSAGE,
			bubble: { type: 'TEXT', text: `your key is ${TEST_API_KEY}` },
		};
		nock(API)
			.get(PATH)
			.query(true)
			.reply(200, { results: [echoed] });
		const { output, requests } = await runNode(node, { params: params({ transcript: true }) });
		expect(String(output[0].json.transcript)).toContain('your key is [redacted]');
		expectNoSecrets(output);
		expect(requests).toHaveLength(1);

		nock(API)
			.get(PATH)
			.query(true)
			.reply(401, { message: `bad key ${TEST_API_KEY}` });
		const error = await failure({ params: params() });
		expectNoSecrets(error);
		expect(error.description).toContain('bad key [redacted]');
	});
});
