import nock from 'nock';
import type { NodeApiError } from 'n8n-workflow';

import {
	activeConversation,
	closedConversation,
	envelope,
	errorBody,
	simplifiedClosedConversation,
} from '../../../../fixtures/conversations';
import {
	TEST_API_KEY,
	TEST_BASE_URL,
	TEST_CLIENT_ID,
	TEST_CLIENT_SECRET,
	apiKeyCredentials,
	basicCredentials,
	expectNoSecrets,
	runNode,
} from '../../../../support/context';
import { answerWithNockOnly, capture } from '../../../../support/nock';
import { closedPort } from '../../../../support/loopback';
import { HOST, PREFIX, node } from '../../../../support/operation';

function getParams(extra: Record<string, unknown> = {}) {
	return {
		resource: 'conversation',
		operation: 'get',
		projectId: 'proj-1',
		conversationId: closedConversation._id,
		simplify: false,
		options: { maxRetries: 0 },
		...extra,
	};
}

const CLOSED_PATH = `${PREFIX}/proj-1/conversations/${closedConversation._id}`;

answerWithNockOnly();

describe('Conversation → Get: success', () => {
	it('returns a closed conversation with Jelou field names unchanged, sending only x-api-key', async () => {
		const seen = capture(nock(HOST).get(CLOSED_PATH), 200, envelope(closedConversation));

		const { output } = await runNode(node, { params: getParams() });
		const { headers } = seen[0];

		expect(output).toHaveLength(1);
		expect(output[0].json).toEqual(closedConversation);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(headers['x-api-key']).toBe(TEST_API_KEY);
		expect(headers.authorization).toBeUndefined();
	});

	it('sends exactly the Basic header for the client ID and secret scheme', async () => {
		const seen = capture(nock(HOST).get(CLOSED_PATH), 200, envelope(closedConversation));

		await runNode(node, { params: getParams(), credentials: basicCredentials });
		const { headers } = seen[0];

		const expected = `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`;
		expect(headers.authorization).toBe(expected);
		expect(headers['x-api-key']).toBeUndefined();
	});

	it('simplifies a closed conversation into a flat record with the duration in whole seconds', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/${closedConversation._id}`)
			.reply(200, envelope(closedConversation));

		const { output } = await runNode(node, { params: getParams({ simplify: true }) });

		expect(output[0].json).toEqual(simplifiedClosedConversation);
	});

	it('returns an active conversation raw (no endAt) and simplified (nulls while active)', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/${activeConversation._id}`)
			.times(2)
			.reply(200, envelope(activeConversation));

		const raw = await runNode(node, {
			params: getParams({ conversationId: activeConversation._id }),
		});
		expect(raw.output[0].json).toEqual(activeConversation);
		expect(raw.output[0].json).not.toHaveProperty('endAt');

		const simple = await runNode(node, {
			params: getParams({ conversationId: activeConversation._id, simplify: true }),
		});
		expect(simple.output[0].json).toMatchObject({
			conversationId: activeConversation._id,
			state: 'active',
			endAt: null,
			endedReason: null,
			durationSeconds: null,
			channel: 'Web',
		});
	});

	it('fetches a different conversation for each item (ids by expression), in input order', async () => {
		const ids = ['c-1', 'c-2', 'c-3'];
		for (const id of ids) {
			nock(HOST)
				.get(`${PREFIX}/proj-1/conversations/${id}`)
				.reply(200, envelope({ ...closedConversation, _id: id }));
		}

		const { output, credentialHandOvers } = await runNode(node, {
			items: ids.map((id) => ({ conversationId: `  ${id} ` })),
			params: getParams({
				conversationId: (item: { json: { conversationId: string } }) => item.json.conversationId,
			}),
		});

		expect(output.map((item) => item.json._id)).toEqual(ids);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// The credential read once is handed to n8n with every request, so n8n does not reload it.
		expect(credentialHandOvers).toHaveLength(3);
		expect(credentialHandOvers[0]).toMatchObject({ id: 'cred-0001', type: 'jelouApi' });
	});

	it('builds the URL from the credential Base URL without a double slash', async () => {
		let path = '';
		nock('http://127.0.0.1:9999')
			.get(() => true)
			.reply(function (uri) {
				path = uri;
				return [200, envelope(closedConversation)];
			});

		await runNode(node, {
			params: getParams({ conversationId: 'abc' }),
			credentials: { ...apiKeyCredentials, baseUrl: 'http://127.0.0.1:9999/custom/v1///' },
		});

		expect(path).toBe('/custom/v1/external-support/proj-1/conversations/abc');
	});

	it('encodes ids as single path segments so /, ?, #, % and spaces never change the path', async () => {
		let path = '';
		nock(HOST)
			.get(() => true)
			.reply(function (uri) {
				path = uri;
				return [200, envelope(closedConversation)];
			});

		await runNode(node, {
			params: getParams({ projectId: 'p/../1', conversationId: 'a/b?c=1#d e%f' }),
		});

		expect(path).toBe(`${PREFIX}/p%2F..%2F1/conversations/a%2Fb%3Fc%3D1%23d%20e%25f`);
	});
});

describe('Conversation → Get: bad input fails the item before any request', () => {
	it.each([
		['empty conversation id', { conversationId: '' }, 'Conversation ID is empty (item 0)'],
		['whitespace conversation id', { conversationId: '   ' }, 'Conversation ID is empty (item 0)'],
		['empty project id', { projectId: '' }, 'Project ID is empty (item 0)'],
		['dot-dot id', { conversationId: '..' }, 'Conversation ID cannot be ".." (item 0)'],
		[
			'object id',
			{ conversationId: { id: 1 } },
			'Conversation ID must be text, not an object or a list (item 0)',
		],
		[
			'control characters',
			{ conversationId: 'abc\n' + 'def' },
			'Conversation ID contains control characters (item 0)',
		],
		[
			'10,000 characters',
			{ conversationId: 'x'.repeat(10_000) },
			'Conversation ID is too long (10000 characters; at most 1000) (item 0)',
		],
	])('%s', async (_name, params, message) => {
		const run = runNode(node, { params: getParams(params) });
		await expect(run).rejects.toThrow(message);
		await run.catch((error: NodeApiError) => {
			expect(error.context.itemIndex).toBe(0);
		});
	});

	it('keeps the other items under "On Error: Continue"', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/ok-1`)
			.reply(200, envelope({ ...closedConversation, _id: 'ok-1' }));
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/ok-2`)
			.reply(200, envelope({ ...closedConversation, _id: 'ok-2' }));

		const { output, requests } = await runNode(node, {
			items: [{ id: 'ok-1' }, { id: '' }, { id: 'ok-2' }],
			params: getParams({ conversationId: (item: { json: { id: string } }) => item.json.id }),
			continueOnFail: true,
		});

		expect(requests).toHaveLength(2);
		expect(output).toHaveLength(3);
		expect(output[0].json._id).toBe('ok-1');
		expect(output[1].json).toEqual({ error: 'Conversation ID is empty (item 1)' });
		expect(output[1].error).toBeDefined();
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect(output[2].json._id).toBe('ok-2');
	});
});

describe('Conversation → Get: API errors', () => {
	async function failWith(
		reply: (scope: nock.Interceptor) => nock.Scope,
		extra: Record<string, unknown> = {},
	) {
		reply(nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-x`));
		const run = runNode(node, { params: getParams({ conversationId: 'conv-x', ...extra }) });
		const error = (await run.then(
			() => {
				throw new Error('expected the node to fail');
			},
			(e: NodeApiError) => e,
		)) as NodeApiError;
		expectNoSecrets(error, error.message, error.description);
		return error;
	}

	interface ApiErrorCase {
		reply: [number, nock.Body, Record<string, string>?];
		message: string;
		/** The whole description, or texts it must (and must not) contain. */
		description?: string;
		contains?: string[];
		lacks?: string[];
		httpCode?: string;
	}
	const html502 =
		'<html><head><title>502</title><style>b{}</style></head><body><h1>Bad Gateway</h1></body></html>';
	const apiErrors: Array<[string, ApiErrorCase]> = [
		[
			'401: says the credentials were rejected, with the item index',
			{
				reply: [401, errorBody('Invalid API key')],
				message: 'Jelou rejected the credentials (HTTP 401)',
				contains: ['Invalid API key'],
				httpCode: '401',
			},
		],
		[
			'404: names the conversation and the project',
			{
				reply: [404, errorBody('Conversation not found')],
				message: "Conversation 'conv-x' was not found in project 'proj-1' (HTTP 404)",
				contains: ['Conversation not found'],
			},
		],
		[
			"422: carries Jelou's description and the fields it objected to",
			{
				reply: [
					422,
					errorBody('The request is invalid', {
						validationError: { conversationId: ['must be an ObjectId'] },
					}),
				],
				message: 'Jelou rejected the request (HTTP 422): The request is invalid',
				description: 'Fields Jelou objected to: conversationId: must be an ObjectId.',
			},
		],
		[
			'400 with only a message string: shows that message',
			{
				reply: [400, { message: 'Bad project', status: 0 }],
				message: 'Jelou rejected the request (HTTP 400): Bad project',
			},
		],
		[
			'500: a clear message with the HTTP status and Jelou text',
			{
				reply: [500, errorBody('Database unavailable')],
				message: 'Jelou failed to process the request (HTTP 500): Database unavailable',
				httpCode: '500',
			},
		],
		[
			'502 with an HTML page: the status and an excerpt of the page',
			{
				reply: [502, html502, { 'Content-Type': 'text/html' }],
				message: 'Jelou failed to process the request (HTTP 502)',
				contains: ['not JSON (text/html)', 'Bad Gateway'],
				lacks: ['<h1>'],
			},
		],
		[
			'200 with a body that is not JSON',
			{
				reply: [200, '{"data": {"_id": ', { 'Content-Type': 'application/json' }],
				message: 'Jelou answered HTTP 200 with a body that is not valid JSON',
			},
		],
		[
			'200 with an empty body',
			{ reply: [200, ''], message: 'Jelou answered HTTP 200 with an empty body' },
		],
		[
			'200 whose envelope has no data',
			{
				reply: [200, { message: ['ok'], status: 1 }],
				message: 'Jelou answered HTTP 200 without the expected data',
			},
		],
	];

	it.each(apiErrors)('%s', async (_name, expected) => {
		const [status, body, headers] = expected.reply;
		const error = await failWith((s) => s.reply(status, body, headers));
		expect(error.message).toBe(expected.message);
		expect(error.context.itemIndex).toBe(0);
		if (expected.description !== undefined) expect(error.description).toBe(expected.description);
		for (const text of expected.contains ?? []) expect(error.description).toContain(text);
		for (const text of expected.lacks ?? []) expect(error.description).not.toContain(text);
		if (expected.httpCode !== undefined) expect(error.httpCode).toBe(expected.httpCode);
	});

	it('network error (connection refused on loopback): says Jelou could not be reached, naming the host only', async () => {
		const port = await closedPort();
		nock.enableNetConnect('127.0.0.1');
		try {
			const run = runNode(node, {
				params: getParams({ conversationId: 'conv-x' }),
				credentials: { ...apiKeyCredentials, baseUrl: `http://127.0.0.1:${port}/jelouapi/v1` },
			});
			const error = (await run.catch((e: NodeApiError) => e)) as NodeApiError;
			expect(error.message).toBe('Could not reach Jelou');
			expect(error.description).toContain(`127.0.0.1:${port}`);
			expect(error.description).toContain('the connection was refused (ECONNREFUSED)');
			expect(error.context.itemIndex).toBe(0);
			expectNoSecrets(error);
		} finally {
			nock.disableNetConnect();
		}
	});

	it('never shows a secret, even when Jelou echoes it back', async () => {
		const error = await failWith((s) =>
			s.reply(401, errorBody(`API key ${TEST_API_KEY} is not valid`)),
		);
		expect(error.description).toContain('API key [redacted] is not valid');
	});

	it('"On Error: Continue": a 404 item becomes { error } with the error attached, the others are kept in order', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/a`)
			.reply(200, envelope({ ...closedConversation, _id: 'a' }));
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/missing`)
			.reply(404, errorBody('Conversation not found'));
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/b`)
			.reply(200, envelope({ ...activeConversation, _id: 'b' }));

		const { output, requests } = await runNode(node, {
			items: [{ id: 'a' }, { id: 'missing' }, { id: 'b' }],
			params: getParams({ conversationId: (item: { json: { id: string } }) => item.json.id }),
			continueOnFail: true,
			credentials: basicCredentials,
		});

		expect(output).toHaveLength(3);
		expect(output[0].json._id).toBe('a');
		expect(output[1].json).toEqual({
			error: "Conversation 'missing' was not found in project 'proj-1' (HTTP 404)",
		});
		expect((output[1].error as NodeApiError).context.itemIndex).toBe(1);
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect(output[2].json._id).toBe('b');
		expectNoSecrets(output);
		// The wire did carry the secret (in the Authorization header): the check above is meaningful.
		expect(() => expectNoSecrets(requests)).toThrow('A secret leaked');
	});

	it('an invalid Base URL in the credential fails with a clear message', async () => {
		const run = runNode(node, {
			params: getParams(),
			credentials: { ...apiKeyCredentials, baseUrl: 'not a url' },
		});
		await expect(run).rejects.toThrow('The Base URL of the Jelou credential is not a valid URL');
	});
});

describe('Conversation → Get: defaults', () => {
	it('uses the default Jelou base URL when the credential has none', async () => {
		nock('https://gateway.jelou.ai')
			.get(`/jelouapi/v1/external-support/proj-1/conversations/abc`)
			.reply(200, envelope(closedConversation));
		const { output } = await runNode(node, {
			params: getParams({ conversationId: 'abc' }),
			credentials: { authType: 'apiKey', apiKey: TEST_API_KEY },
		});
		expect(output[0].json._id).toBe(closedConversation._id);
		expect(TEST_BASE_URL).toBe(`${HOST}/jelouapi/v1`);
	});
});
