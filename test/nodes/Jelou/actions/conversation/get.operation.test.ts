import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import type { NodeApiError } from 'n8n-workflow';

import { Jelou } from '../../../../../nodes/Jelou/Jelou.node';
import {
	activeConversation,
	closedConversation,
	envelope,
	errorBody,
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
import { answerWithNockOnly } from '../../../../support/nock';

const HOST = 'https://jelou.test';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}
const PREFIX = '/jelouapi/v1/external-support';
const node = new Jelou();

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

answerWithNockOnly();

describe('Conversation → Get: success', () => {
	it('returns a closed conversation with Jelou field names unchanged, sending only x-api-key', async () => {
		let headers: Record<string, unknown> = {};
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/${closedConversation._id}`)
			.reply(function () {
				headers = this.req.headers;
				return [200, envelope(closedConversation)];
			});

		const { output } = await runNode(node, { params: getParams() });

		expect(output).toHaveLength(1);
		expect(output[0].json).toEqual(closedConversation);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(headers['x-api-key']).toBe(TEST_API_KEY);
		expect(headers.authorization).toBeUndefined();
	});

	it('sends exactly the Basic header for the client ID and secret scheme', async () => {
		let headers: Record<string, unknown> = {};
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/${closedConversation._id}`)
			.reply(function () {
				headers = this.req.headers;
				return [200, envelope(closedConversation)];
			});

		await runNode(node, { params: getParams(), credentials: basicCredentials });

		const expected = `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`;
		expect(headers.authorization).toBe(expected);
		expect(headers['x-api-key']).toBeUndefined();
	});

	it('simplifies a closed conversation into a flat record with the duration in whole seconds', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/${closedConversation._id}`)
			.reply(200, envelope(closedConversation));

		const { output } = await runNode(node, { params: getParams({ simplify: true }) });

		expect(output[0].json).toEqual({
			conversationId: '65a1f0c2e4b0a1b2c3d4e5f6',
			roomId: 'room-778899',
			state: 'closed',
			startAt: '2026-01-15T10:30:00.000Z',
			endAt: '2026-01-15T10:45:30.900Z',
			endedReason: 'closed_by_operator',
			durationSeconds: 930,
			userId: 'user-123',
			userName: 'Ana Torres',
			userReferenceId: 'crm-4711',
			botId: 'bot-9',
			botName: 'Ventas Bot',
			channel: 'Whatsapp',
		});
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

	it('401: says the credentials were rejected, with the item index', async () => {
		const error = await failWith((s) => s.reply(401, errorBody('Invalid API key')));
		expect(error.message).toBe('Jelou rejected the credentials (HTTP 401)');
		expect(error.description).toContain('Invalid API key');
		expect(error.httpCode).toBe('401');
		expect(error.context.itemIndex).toBe(0);
	});

	it('404: names the conversation and the project', async () => {
		const error = await failWith((s) => s.reply(404, errorBody('Conversation not found')));
		expect(error.message).toBe(
			"Conversation 'conv-x' was not found in project 'proj-1' (HTTP 404)",
		);
		expect(error.description).toContain('Conversation not found');
	});

	it("422: carries Jelou's description and the fields it objected to", async () => {
		const error = await failWith((s) =>
			s.reply(
				422,
				errorBody('The request is invalid', {
					validationError: { conversationId: ['must be an ObjectId'] },
				}),
			),
		);
		expect(error.message).toBe('Jelou rejected the request (HTTP 422): The request is invalid');
		expect(error.description).toBe(
			'Fields Jelou objected to: conversationId: must be an ObjectId.',
		);
	});

	it('400 with only a message string: shows that message', async () => {
		const error = await failWith((s) => s.reply(400, { message: 'Bad project', status: 0 }));
		expect(error.message).toBe('Jelou rejected the request (HTTP 400): Bad project');
	});

	it('500: a clear message with the HTTP status and Jelou text', async () => {
		const error = await failWith((s) => s.reply(500, errorBody('Database unavailable')));
		expect(error.message).toBe(
			'Jelou failed to process the request (HTTP 500): Database unavailable',
		);
		expect(error.httpCode).toBe('500');
	});

	it('502 with an HTML page: the status and an excerpt of the page', async () => {
		const error = await failWith((s) =>
			s.reply(
				502,
				'<html><head><title>502</title><style>b{}</style></head><body><h1>Bad Gateway</h1></body></html>',
				{
					'Content-Type': 'text/html',
				},
			),
		);
		expect(error.message).toBe('Jelou failed to process the request (HTTP 502)');
		expect(error.description).toContain('not JSON (text/html)');
		expect(error.description).toContain('Bad Gateway');
		expect(error.description).not.toContain('<h1>');
	});

	it('200 with a body that is not JSON', async () => {
		const error = await failWith((s) =>
			s.reply(200, '{"data": {"_id": ', { 'Content-Type': 'application/json' }),
		);
		expect(error.message).toBe('Jelou answered HTTP 200 with a body that is not valid JSON');
	});

	it('200 with an empty body', async () => {
		const error = await failWith((s) => s.reply(200, ''));
		expect(error.message).toBe('Jelou answered HTTP 200 with an empty body');
	});

	it('200 whose envelope has no data', async () => {
		const error = await failWith((s) => s.reply(200, { message: ['ok'], status: 1 }));
		expect(error.message).toBe('Jelou answered HTTP 200 without the expected data');
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
