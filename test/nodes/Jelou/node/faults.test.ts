/**
 * The fault and bad-input matrix, through the whole node (Conversation → Get): for each
 * situation, what the user gets. Either a retried success (the number of attempts that reached
 * the server is checked) or that item's error with its index and HTTP status; under
 * "On Error: Continue" the other items stay intact and in order. No secret may appear anywhere.
 *
 * Network failures use real servers on 127.0.0.1 (nock cannot fake a time-out or a reset
 * cleanly); the rate-limited run uses nock with a server clock of its own.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import type { IDataObject, INodeExecutionData, NodeApiError } from 'n8n-workflow';

import { Jelou } from '../../../../nodes/Jelou/Jelou.node';
import { closedConversation, envelope, errorBody } from '../../../fixtures/conversations';
import { rateLimitedConversations } from '../../../fixtures/fake-jelou';
import {
	TEST_API_KEY,
	apiKeyCredentials,
	basicCredentials,
	expectNoSecrets,
	runNode,
	type RunOptions,
} from '../../../support/context';
import { json } from '../../../support/loopback';
import { answerWithNockAndLoopback } from '../../../support/nock';

const HOST = 'https://jelou.test';
const PREFIX = '/jelouapi/v1/external-support';
const node = new Jelou();

type Params = Record<string, unknown>;

/** One conversation per item, the id taken from the item (like an expression would). */
function params(options: IDataObject = {}, extra: Params = {}): Params {
	return {
		resource: 'conversation',
		operation: 'get',
		projectId: 'proj-1',
		conversationId: (item: INodeExecutionData) => item.json.id,
		simplify: false,
		options: { maxRetries: 2, ...options },
		...extra,
	};
}

const items = (...ids: string[]) => ids.map((id) => ({ id }));
const conversation = (id: string) => ({ ...closedConversation, _id: id });
const pathOf = (id: string) => `${PREFIX}/proj-1/conversations/${encodeURIComponent(id)}`;

/** Runs the node and returns the error it throws (the test fails if it does not throw). */
async function runToError(options: RunOptions): Promise<NodeApiError> {
	return (await runNode(node, options).then(
		() => {
			throw new Error('expected the node to fail');
		},
		(error: NodeApiError) => error,
	)) as NodeApiError;
}

function expectItemError(
	item: INodeExecutionData,
	itemIndex: number,
	message: string,
	httpCode?: number,
) {
	expect(item.json).toEqual({ error: message });
	expect(item.pairedItem).toEqual({ item: itemIndex });
	const error = item.error as NodeApiError;
	expect(error).toBeDefined();
	expect(error.message).toBe(message);
	expect(error.context.itemIndex).toBe(itemIndex);
	expect(error.httpCode ?? undefined).toBe(httpCode === undefined ? undefined : String(httpCode));
}

function expectConversations(output: INodeExecutionData[], expected: Record<number, string>) {
	for (const [index, id] of Object.entries(expected)) {
		expect(output[Number(index)].json).toEqual(conversation(id));
		expect(output[Number(index)].pairedItem).toEqual({ item: Number(index) });
	}
}

interface Hit {
	url: string;
	at: number;
}

/** A real HTTP server on 127.0.0.1 that counts requests and how many are in flight at once. */
async function loopback(handler: (req: IncomingMessage, res: ServerResponse, hit: number) => void) {
	const hits: Hit[] = [];
	const finished: string[] = [];
	let inFlight = 0;
	let maxInFlight = 0;
	const server = createServer((req, res) => {
		hits.push({ url: req.url ?? '', at: Date.now() });
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		res.on('close', () => {
			inFlight--;
			finished.push(req.url ?? '');
		});
		handler(req, res, hits.length);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/jelouapi/v1`,
		hits,
		finished,
		get maxInFlight() {
			return maxInFlight;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/** The id at the end of a request path, decoded. */
const idOf = (url: string) => decodeURIComponent(url.split('/').pop() ?? '');

// Real servers and real waits: give slow machines room (the whole file normally takes seconds).
jest.setTimeout(60_000);

answerWithNockAndLoopback();

describe('HTTP failures: the item gets a clear error, the others are intact', () => {
	const html502 =
		'<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>';
	type Reply = [number, string | object, Record<string, string>?];
	const cases: Array<[string, Reply, number, string, number | undefined]> = [
		// situation, reply, attempts that reach the server (maxRetries 1), message, HTTP status
		[
			'400',
			[400, errorBody('Bad request')],
			1,
			'Jelou rejected the request (HTTP 400): Bad request',
			400,
		],
		[
			'401',
			[401, errorBody('Invalid API key')],
			1,
			'Jelou rejected the credentials (HTTP 401)',
			401,
		],
		['403', [403, errorBody('Forbidden project')], 1, 'Jelou refused access (HTTP 403)', 403],
		[
			'404',
			[404, errorBody('Conversation not found')],
			1,
			"Conversation 'bad' was not found in project 'proj-1' (HTTP 404)",
			404,
		],
		[
			'422',
			[
				422,
				errorBody('The request is invalid', {
					validationError: { conversationId: ['must be an ObjectId'] },
				}),
			],
			1,
			'Jelou rejected the request (HTTP 422): The request is invalid',
			422,
		],
		[
			'429 every time',
			[429, errorBody('Too many requests'), { 'Retry-After': '0' }],
			2,
			'Jelou is limiting the request rate (HTTP 429)',
			429,
		],
		[
			'500',
			[500, errorBody('Internal error')],
			1,
			'Jelou failed to process the request (HTTP 500): Internal error',
			500,
		],
		[
			'502 HTML page every time',
			[502, html502, { 'Content-Type': 'text/html' }],
			2,
			'Jelou failed to process the request (HTTP 502)',
			502,
		],
		[
			'503 every time',
			[503, errorBody('Service unavailable')],
			2,
			'Jelou failed to process the request (HTTP 503): Service unavailable',
			503,
		],
		[
			'504 every time',
			[504, errorBody('Gateway timeout')],
			2,
			'Jelou failed to process the request (HTTP 504): Gateway timeout',
			504,
		],
		[
			'200 with malformed JSON',
			[200, '{"data": {"_id": "bad"', { 'Content-Type': 'application/json' }],
			1,
			'Jelou answered HTTP 200 with a body that is not valid JSON',
			200,
		],
		[
			'200 with an HTML page',
			[200, '<html><body>Please log in</body></html>', { 'Content-Type': 'text/html' }],
			1,
			'Jelou answered HTTP 200 with a body that is not valid JSON',
			200,
		],
		['200 with an empty body', [200, ''], 1, 'Jelou answered HTTP 200 with an empty body', 200],
		[
			'200 whose envelope has no data',
			[200, { message: ['ok'], statusMessage: 'success', status: 1 }],
			1,
			'Jelou answered HTTP 200 without the expected data',
			200,
		],
		[
			'200 whose envelope is a list',
			[200, [1, 2]],
			1,
			'Jelou answered HTTP 200 with an unexpected body',
			200,
		],
		[
			'200 whose envelope reports an error (status 0)',
			[200, errorBody('Conversation is archived')],
			1,
			'Jelou failed to process the request (HTTP 200): Conversation is archived',
			200,
		],
	];

	/** Descriptions quoted in docs/errors.md. */
	const descriptions: Record<string, string> = {
		'400': "Check the node's parameters.",
		'401':
			'Check the Jelou API credential: the API key, or the client ID and client secret, and the authentication type. Jelou said: "Invalid API key".',
		'403':
			'The credential is valid but may not have access to this project. Jelou said: "Forbidden project".',
		'429 every time':
			'Too many requests in a short time. Lower the node\'s Concurrency option or raise Max Retries, or try again later. Jelou said: "Too many requests". Gave up after 2 attempts.',
		'500': "This is a problem on Jelou's side or on the way to it; try again later.",
		'503 every time':
			"This is a problem on Jelou's side or on the way to it; try again later. Gave up after 2 attempts.",
		'200 with malformed JSON':
			'Content type: application/json. Start of the body: "{"data": {"_id": "bad"". A proxy or gateway may be in the way; check the Base URL of the credential.',
		'200 with an empty body':
			'Expected a JSON answer with a "data" field. Try again; if it persists, Jelou may be having problems.',
		'200 whose envelope has no data': 'The answer had no "data" field (Jelou said: "ok").',
	};

	it.each(cases)('%s', async (situation, [status, body, headers], attempts, message, httpCode) => {
		let badHits = 0;
		nock(HOST)
			.get(pathOf('a'))
			.reply(200, envelope(conversation('a')));
		nock(HOST)
			.get(pathOf('bad'))
			.times(attempts)
			.reply(() => {
				badHits++;
				return [status, body, headers ?? {}];
			});
		nock(HOST)
			.get(pathOf('c'))
			.reply(200, envelope(conversation('c')));

		const { output, requests } = await runNode(node, {
			items: items('a', 'bad', 'c'),
			params: params({ maxRetries: 1 }),
			continueOnFail: true,
			credentials: basicCredentials,
		});

		expect(badHits).toBe(attempts);
		expect(requests).toHaveLength(attempts + 2);
		expect(output).toHaveLength(3);
		expectConversations(output, { 0: 'a', 2: 'c' });
		expectItemError(output[1], 1, message, httpCode);
		const description = (output[1].error as NodeApiError).description ?? '';
		if (attempts > 1) expect(description).toContain(`Gave up after ${attempts} attempts.`);
		else expect(description).not.toContain('Gave up');
		if (descriptions[situation] !== undefined) expect(description).toBe(descriptions[situation]);
		expectNoSecrets(output);
		// The Basic header did travel: the check above could have failed.
		expect(() => expectNoSecrets(requests)).toThrow('A secret leaked');
	});

	it('without "On Error: Continue" the same failure stops the node with the item index and status', async () => {
		nock(HOST)
			.get(pathOf('a'))
			.reply(200, envelope(conversation('a')));
		nock(HOST).get(pathOf('bad')).reply(404, errorBody('Conversation not found'));

		const error = await runToError({
			items: items('a', 'bad'),
			params: params({ concurrency: 1 }),
		});

		expect(error.message).toBe("Conversation 'bad' was not found in project 'proj-1' (HTTP 404)");
		expect(error.description).toBe(
			'Check the IDs, and that they belong to the project of this credential. Jelou said: "Conversation not found".',
		);
		expect(error.httpCode).toBe('404');
		expect(error.context.itemIndex).toBe(1);
		expectNoSecrets(error);
	});

	it('422 lists the fields Jelou objected to in the description', async () => {
		nock(HOST)
			.get(pathOf('bad'))
			.reply(
				422,
				errorBody('The request is invalid', {
					validationError: { conversationId: ['must be an ObjectId'] },
				}),
			);
		const error = await runToError({ items: items('bad'), params: params() });
		expect(error.description).toBe(
			'Fields Jelou objected to: conversationId: must be an ObjectId.',
		);
	});

	it('an HTML error page is summarised in plain text, without its markup', async () => {
		nock(HOST).get(pathOf('bad')).reply(502, html502, { 'Content-Type': 'text/html' });
		const error = await runToError({ items: items('bad'), params: params({ maxRetries: 0 }) });
		expect(error.description).toBe(
			'This is a problem on Jelou\'s side or on the way to it; try again later. The answer was not JSON (text/html): "502 Bad Gateway 502 Bad Gateway nginx".',
		);
	});

	it('an echoed secret is shown as [redacted], never as itself', async () => {
		nock(HOST)
			.get(pathOf('bad'))
			.reply(401, errorBody(`API key ${TEST_API_KEY} is not valid`));
		const { output } = await runNode(node, {
			items: items('bad'),
			params: params(),
			continueOnFail: true,
		});
		expect((output[0].error as NodeApiError).description).toContain(
			'API key [redacted] is not valid',
		);
		expectNoSecrets(output);
	});
});

describe('retried failures end in the success', () => {
	const cases: Array<[string, number, Record<string, string>]> = [
		['429 with Retry-After in seconds', 429, { 'Retry-After': '0' }],
		[
			'429 with Retry-After as an HTTP date',
			429,
			{ 'Retry-After': new Date(Date.now() - 1000).toUTCString() },
		],
		['429 without Retry-After', 429, {}],
		['502', 502, {}],
		['503', 503, {}],
		['504', 504, {}],
	];

	it.each(cases)('%s', async (_situation, status, headers) => {
		nock(HOST).get(pathOf('a')).reply(status, errorBody('Try later'), headers);
		nock(HOST)
			.get(pathOf('a'))
			.reply(200, envelope(conversation('a')));
		nock(HOST)
			.get(pathOf('b'))
			.reply(200, envelope(conversation('b')));

		const { output, requests } = await runNode(node, {
			items: items('a', 'b'),
			params: params({ concurrency: 1 }),
		});

		expect(requests.map((request) => idOf(request.url))).toEqual(['a', 'a', 'b']);
		expect(output).toHaveLength(2);
		expectConversations(output, { 0: 'a', 1: 'b' });
		expectNoSecrets(output);
	});

	it('two failures in a row, then the success (within maxRetries 2)', async () => {
		nock(HOST).get(pathOf('a')).reply(503, errorBody('down'), { 'Retry-After': '0' });
		nock(HOST).get(pathOf('a')).reply(429, errorBody('slow'), { 'Retry-After': '0' });
		nock(HOST)
			.get(pathOf('a'))
			.reply(200, envelope(conversation('a')));

		const { output, requests } = await runNode(node, { items: items('a'), params: params() });

		expect(requests).toHaveLength(3);
		expectConversations(output, { 0: 'a' });
	});

	it('maxRetries 0: a 503 fails at once, after one request', async () => {
		nock(HOST).get(pathOf('a')).reply(503, errorBody('down'), { 'Retry-After': '0' });

		const error = await runToError({ items: items('a'), params: params({ maxRetries: 0 }) });

		expect(error.message).toBe('Jelou failed to process the request (HTTP 503): down');
		expect(error.httpCode).toBe('503');
	});
});

describe('network failures', () => {
	it('time-out (option Timeout): retried, then the item fails with a clear message', async () => {
		const server = await loopback((req, res) => {
			if (idOf(req.url ?? '') !== 'slow')
				json(res, 200, envelope(conversation(idOf(req.url ?? ''))));
		});
		try {
			// The server never answers 'slow': with n8n's default (30 s) instead of the option's
			// 100 ms the run would outlast the test's time-out; the description names the 100 ms.
			const { output } = await runNode(node, {
				items: items('a', 'slow', 'c'),
				params: params({ timeout: 100, maxRetries: 1 }),
				credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
				continueOnFail: true,
			});
			expect(server.hits.filter((hit) => idOf(hit.url) === 'slow')).toHaveLength(2);
			expectConversations(output, { 0: 'a', 2: 'c' });
			expectItemError(output[1], 1, 'The request to Jelou timed out');
			expect((output[1].error as NodeApiError).description).toBe(
				`Request to ${new URL(server.baseUrl).host} failed: no complete answer within 100 ms. Raise the Timeout option, or check the network. Gave up after 2 attempts.`,
			);
			expectNoSecrets(output);
		} finally {
			await server.close();
		}
	});

	it('time-out once, then the answer: a retried success', async () => {
		const server = await loopback((req, res, hit) => {
			if (hit > 1) json(res, 200, envelope(conversation('a')));
		});
		try {
			const { output } = await runNode(node, {
				items: items('a'),
				params: params({ timeout: 100 }),
				credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
			});
			expect(server.hits).toHaveLength(2);
			expectConversations(output, { 0: 'a' });
		} finally {
			await server.close();
		}
	});

	it('connection refused: not retried, the item says Jelou could not be reached', async () => {
		const server = await loopback(() => undefined);
		const baseUrl = server.baseUrl;
		await server.close();

		const { output } = await runNode(node, {
			items: items('a', 'b'),
			params: params(),
			credentials: { ...basicCredentials, baseUrl },
			continueOnFail: true,
		});

		expect(output).toHaveLength(2);
		expectItemError(output[0], 0, 'Could not reach Jelou');
		expectItemError(output[1], 1, 'Could not reach Jelou');
		expect((output[0].error as NodeApiError).description).toBe(
			`Request to ${new URL(baseUrl).host} failed: the connection was refused (ECONNREFUSED). Check the Base URL of the credential and the network.`,
		);
		expectNoSecrets(output);
	});

	it('connection reset in the middle of the body: retried, then a success', async () => {
		const server = await loopback((req, res, hit) => {
			if (hit > 1) return json(res, 200, envelope(conversation('a')));
			res.writeHead(200, { 'content-type': 'application/json', 'content-length': '10000' });
			res.write('{"message":["ok"],"status":1,"data":{"_id":"a","roomId":"');
			setTimeout(() => res.socket?.destroy(), 10);
		});
		try {
			const { output } = await runNode(node, {
				items: items('a'),
				params: params(),
				credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
			});
			expect(server.hits).toHaveLength(2);
			expectConversations(output, { 0: 'a' });
		} finally {
			await server.close();
		}
	});

	it('connection reset every time: the item says the connection was interrupted', async () => {
		const server = await loopback((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json', 'content-length': '10000' });
			res.write('{"data":');
			setTimeout(() => res.socket?.destroy(), 5);
		});
		try {
			const error = await runToError({
				items: items('a'),
				params: params({ maxRetries: 0 }),
				credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
			});
			expect(error.message).toBe('The connection to Jelou was interrupted');
			expect(error.description).toBe(
				`Request to ${new URL(server.baseUrl).host} failed: the connection was reset before the answer was complete (ECONNRESET). This is usually a passing network or gateway problem; try again.`,
			);
			expect(error.context.itemIndex).toBe(0);
			expect(server.hits).toHaveLength(1);
			expectNoSecrets(error);
		} finally {
			await server.close();
		}
	});
});

describe('a very large answer', () => {
	it('a 5 MB conversation with a huge field comes through intact', async () => {
		const huge = {
			...conversation('big'),
			transcript: 'ñandú 会話 '.repeat(500_000),
			notes: Array.from({ length: 1000 }, (_, i) => `n${i}`),
		};
		const payload = JSON.stringify(envelope(huge));
		expect(Buffer.byteLength(payload)).toBeGreaterThan(5 * 1024 * 1024);
		const server = await loopback((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
			res.end(payload);
		});
		try {
			const { output } = await runNode(node, {
				items: items('big'),
				params: params(),
				credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
			});
			expect(output).toHaveLength(1);
			expect(output[0].json).toEqual(huge);
			expect((output[0].json.transcript as string).length).toBe(huge.transcript.length);
		} finally {
			await server.close();
		}
	});
});

describe('ids', () => {
	const valid: Array<[string, string, string]> = [
		['slash', 'a/b', 'a%2Fb'],
		['question mark', 'a?b=1', 'a%3Fb%3D1'],
		['hash', 'a#b', 'a%23b'],
		['percent', '50%25off', '50%2525off'],
		['dots inside', 'a..b', 'a..b'],
		['a path climb', '../../admin', '..%2F..%2Fadmin'],
		['unicode', 'ñandú-会話', '%C3%B1and%C3%BA-%E4%BC%9A%E8%A9%B1'],
		['spaces around', '  abc  ', 'abc'],
		['space inside', 'a b', 'a%20b'],
		['1,000 characters', 'x'.repeat(1000), 'x'.repeat(1000)],
	];

	it.each(valid)('%s: sent as one UTF-8 percent-encoded segment', async (_name, id, segment) => {
		let path = '';
		nock(HOST)
			.get(() => true)
			.reply(function (uri) {
				path = uri;
				return [200, envelope(conversation('x'))];
			});

		const { output } = await runNode(node, { items: [{ id }], params: params() });

		expect(path).toBe(`${PREFIX}/proj-1/conversations/${segment}`);
		expect(path.split('/')).toHaveLength(7);
		expect(output[0].json._id).toBe('x');
	});

	const invalid: Array<[string, unknown, string]> = [
		['empty', '', 'Conversation ID is empty (item 1)'],
		['whitespace', ' \t ', 'Conversation ID is empty (item 1)'],
		[
			'10,000 characters',
			'x'.repeat(10_000),
			'Conversation ID is too long (10000 characters; at most 1000) (item 1)',
		],
		['".."', '..', 'Conversation ID cannot be ".." (item 1)'],
		['"."', '.', 'Conversation ID cannot be "." (item 1)'],
		['a newline', 'abc\ndef', 'Conversation ID contains control characters (item 1)'],
		['a NUL', 'abc\u0000', 'Conversation ID contains control characters (item 1)'],
		['a C1 control (NEL)', 'abc\u0085def', 'Conversation ID contains control characters (item 1)'],
		[
			'an unpaired surrogate',
			'abc\ud83d',
			'Conversation ID contains invalid Unicode (an unpaired surrogate) (item 1)',
		],
		['an object', { id: 'a' }, 'Conversation ID must be text, not an object or a list (item 1)'],
	];

	it.each(invalid)(
		'%s: that item fails before any request, the others are fetched',
		async (_name, id, message) => {
			nock(HOST)
				.get(pathOf('a'))
				.reply(200, envelope(conversation('a')));
			nock(HOST)
				.get(pathOf('c'))
				.reply(200, envelope(conversation('c')));

			const { output, requests } = await runNode(node, {
				items: [{ id: 'a' }, { id: id as string }, { id: 'c' }],
				params: params(),
				continueOnFail: true,
			});

			expect(requests.map((request) => idOf(request.url))).toEqual(['a', 'c']);
			expect(output).toHaveLength(3);
			expectConversations(output, { 0: 'a', 2: 'c' });
			expectItemError(output[1], 1, message);
		},
	);

	it('a bad project id fails every item that uses it, with each item index', async () => {
		const { output, requests } = await runNode(node, {
			items: items('a', 'b'),
			params: params({}, { projectId: ' ' }),
			continueOnFail: true,
		});
		expect(requests).toHaveLength(0);
		expectItemError(output[0], 0, 'Project ID is empty (item 0)');
		expectItemError(output[1], 1, 'Project ID is empty (item 1)');
	});
});

describe('concurrency and order', () => {
	it('30 items answered in shuffled order come out in input order, each paired with its input', async () => {
		const ids = Array.from({ length: 30 }, (_, i) => `c-${i}`);
		// Answers are held until all 10 requests of a round are in, then sent last first.
		const held: Array<() => void> = [];
		let arrived = 0;
		const server = await loopback((req, res) => {
			const id = idOf(req.url ?? '');
			held.push(() => json(res, 200, envelope(conversation(id))));
			arrived++;
			if (held.length === 10 || arrived === ids.length)
				held
					.splice(0)
					.reverse()
					.forEach((answer) => answer());
		});
		try {
			const { output } = await runNode(node, {
				items: items(...ids),
				params: params({ concurrency: 10 }),
				credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
			});
			const answered = server.finished.map(idOf);
			expect(answered).toHaveLength(30);
			expect(answered).not.toEqual(ids);
			expect(output.map((item) => item.json._id)).toEqual(ids);
			expect(output.map((item) => item.pairedItem)).toEqual(ids.map((_, i) => ({ item: i })));
		} finally {
			await server.close();
		}
	});

	it.each([
		[1, 8, 1],
		[5, 20, 5],
		// 80 is more than the node allows: 50 at most.
		[80, 60, 50],
	])(
		'concurrency %i: with %i items, %i requests in flight',
		async (concurrency, count, expected) => {
			// Answers are held until `expected` requests are in flight (or the last item has arrived):
			// a node that kept fewer in flight would never be answered (the test would time out).
			const held: Array<() => void> = [];
			let arrived = 0;
			const server = await loopback((req, res) => {
				const id = idOf(req.url ?? '');
				held.push(() => json(res, 200, envelope(conversation(id))));
				arrived++;
				if (held.length === expected || arrived === count)
					held.splice(0).forEach((answer) => answer());
			});
			try {
				const ids = Array.from({ length: count }, (_, i) => `c-${i}`);
				const { output } = await runNode(node, {
					items: items(...ids),
					params: params({ concurrency }),
					credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
				});
				expect(output.map((item) => item.json._id)).toEqual(ids);
				expect(server.maxInFlight).toBe(expected);
				if (concurrency === 1) expect(server.hits.map((hit) => idOf(hit.url))).toEqual(ids);
			} finally {
				await server.close();
			}
		},
	);
});

describe('without "On Error: Continue"', () => {
	it('concurrency 1: the failing item stops the run; no later item is requested', async () => {
		const server = await loopback((req, res) => {
			const id = idOf(req.url ?? '');
			if (id === 'c-3') return json(res, 404, errorBody('Conversation not found'));
			json(res, 200, envelope(conversation(id)));
		});
		try {
			const ids = Array.from({ length: 10 }, (_, i) => `c-${i}`);
			const error = await runToError({
				items: items(...ids),
				params: params({ concurrency: 1 }),
				credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
			});
			expect(error.message).toBe("Conversation 'c-3' was not found in project 'proj-1' (HTTP 404)");
			expect(error.context.itemIndex).toBe(3);
			expect(server.hits.map((hit) => idOf(hit.url))).toEqual(['c-0', 'c-1', 'c-2', 'c-3']);
		} finally {
			await server.close();
		}
	});

	it('concurrency 5: the lowest failing index is thrown even if a later item failed first; nothing new starts', async () => {
		// c-4 fails at once; the other answers are held until all five requests are in and
		// c-4's failure has been sent.
		const held: Array<() => void> = [];
		let failureSent = false;
		const releaseWhenReady = () => {
			// Anything beyond the first five would be a bug: answer it too, the test then fails on hits.
			if ((failureSent && held.length >= 4) || server.hits.length > 5)
				held.splice(0).forEach((answer) => answer());
		};
		const server = await loopback((req, res) => {
			const id = idOf(req.url ?? '');
			if (id === 'c-4') {
				res.on('finish', () => {
					failureSent = true;
					releaseWhenReady();
				});
				json(res, 500, errorBody('Fast failure'));
				return;
			}
			held.push(() =>
				id === 'c-2'
					? json(res, 404, errorBody('Conversation not found'))
					: json(res, 200, envelope(conversation(id))),
			);
			releaseWhenReady();
		});
		try {
			const ids = Array.from({ length: 12 }, (_, i) => `c-${i}`);
			const error = await runToError({
				items: items(...ids),
				params: params({ concurrency: 5 }),
				credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
			});
			expect(error.message).toBe("Conversation 'c-2' was not found in project 'proj-1' (HTTP 404)");
			expect(error.context.itemIndex).toBe(2);
			expect(error.httpCode).toBe('404');
			expect(server.hits.map((hit) => idOf(hit.url)).sort()).toEqual([
				'c-0',
				'c-1',
				'c-2',
				'c-3',
				'c-4',
			]);
		} finally {
			await server.close();
		}
	});
});

describe('cancelling the execution', () => {
	/**
	 * c-1 is answered 503 with Retry-After: 20 s; the execution is cancelled while c-1 waits. The
	 * node runs on the real clock with jest's fake timers (sockets keep their real ones), so that
	 * wait is the one timer, and it can only end by the cancellation: the clock never moves.
	 */
	async function cancelDuringRetryWait(continueOnFail: boolean) {
		jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
		const server = await loopback((req, res) => {
			const id = idOf(req.url ?? '');
			if (id === 'c-1') return json(res, 503, errorBody('Maintenance'), { 'Retry-After': '20' });
			json(res, 200, envelope(conversation(id)));
		});
		const controller = new AbortController();
		try {
			const run = runToError({
				items: items('c-0', 'c-1', 'c-2', 'c-3'),
				params: params({ concurrency: 1 }),
				credentials: { ...apiKeyCredentials, baseUrl: server.baseUrl },
				abortSignal: controller.signal,
				continueOnFail,
			});
			while (jest.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
			controller.abort();
			const error = await run;
			return {
				error,
				timersLeft: jest.getTimerCount(),
				hits: server.hits.map((hit) => idOf(hit.url)),
			};
		} finally {
			jest.useRealTimers();
			await server.close();
		}
	}

	it('stops the Retry-After wait at once; the waiting item reports the cancellation', async () => {
		const { error, timersLeft, hits } = await cancelDuringRetryWait(false);
		expect(timersLeft).toBe(0);
		expect(error.message).toBe('The execution was cancelled');
		expect(error.context.itemIndex).toBe(1);
		expect(hits).toEqual(['c-0', 'c-1']);
	});

	it('under "On Error: Continue" the run still ends (items that never started have no output)', async () => {
		const { error, timersLeft, hits } = await cancelDuringRetryWait(true);
		expect(timersLeft).toBe(0);
		expect(error.message).toBe('The execution was cancelled');
		expect(error.context.itemIndex).toBe(2);
		expect(hits).toEqual(['c-0', 'c-1']);
	});
});

describe('a long run against a rate-limited server', () => {
	it('200 items at 50 requests per second finish with no failed item, in order', async () => {
		// The server's clock stands still until the 51st request has arrived, then runs in real
		// time from the first one: the first burst exceeds 50 a second however slowly this machine
		// sends it, and nothing else changes.
		let firstAt: number | undefined;
		const statuses: number[] = rateLimitedConversations({
			origin: HOST,
			basePath: '/jelouapi/v1',
			project: 'demo-project',
			apiKey: TEST_API_KEY,
			limit: 50,
			now: () => {
				const real = performance.now();
				firstAt ??= real;
				return statuses.length < 50 ? 0 : real - firstAt;
			},
		});
		const ids = Array.from({ length: 200 }, (_, i) => `gen-${i}`);
		// Like n8n's own execution signal, which has no listener limit (many requests wait on it).
		const signal = new AbortController().signal;
		setMaxListeners(Infinity, signal);
		const { output } = await runNode(node, {
			items: items(...ids),
			params: params({ maxRetries: 5, concurrency: 20 }, { projectId: 'demo-project' }),
			credentials: apiKeyCredentials,
			continueOnFail: true,
			abortSignal: signal,
		});

		const failed = output.filter((item) => item.error !== undefined);
		expect(failed.map((item) => item.json.error)).toEqual([]);
		expect(output.map((item) => item.json._id)).toEqual(ids);
		// The limit was really hit (the 51st request was refused, so the retries were exercised),
		// and every item got its 200.
		expect(statuses.slice(0, 51)).toEqual([...Array.from({ length: 50 }, () => 200), 429]);
		expect(statuses.filter((status) => status === 200)).toHaveLength(200);
		expectNoSecrets(output);
	}, 30_000);
});
