/**
 * The transport on its own (JelouTransport.create + request): retry policies, backoff,
 * Retry-After, the shared pause, cancellation, ids in URLs. Node-level behaviour (item indexes,
 * "On Error: Continue", concurrency) is in test/nodes/Jelou/faults.test.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';

import {
	JelouRequestError,
	JelouTransport,
	type TransportSettings,
} from '../../../../nodes/Jelou/transport';
import { closedConversation, envelope, errorBody } from '../../../fixtures/conversations';
import {
	SECRETS,
	TEST_API_KEY,
	apiKeyCredentials,
	basicCredentials,
	createContext,
	expectNoSecrets,
} from '../../../support/context';

const HOST = 'https://jelou.test';
const PREFIX = '/jelouapi/v1/external-support';
const START_PATH = ['external-support', 'proj-1', 'conversations', 'start'];
const GET_PATH = ['external-support', 'proj-1', 'conversations', 'conv-1'];
const START_BODY = { botId: 'bot-9', userId: 'user-1', initialMessage: 'Hola' };

/** Small waits everywhere: a retry costs milliseconds, not the production half second. */
const FAST: Partial<TransportSettings> = { retryBaseMs: 5, retryMaxWaitMs: 200, maxRetries: 3, timeoutMs: 2000 };

async function transportFor(
	settings: Partial<TransportSettings> = FAST,
	extra: { baseUrl?: string; abortSignal?: AbortSignal; basic?: boolean } = {},
) {
	const credentials = { ...(extra.basic ? basicCredentials : apiKeyCredentials) };
	if (extra.baseUrl) credentials.baseUrl = extra.baseUrl;
	const { ctx, requests } = createContext({ params: {}, credentials, abortSignal: extra.abortSignal });
	return { transport: await JelouTransport.create(ctx, settings), requests };
}

async function failureOf(promise: Promise<unknown>): Promise<JelouRequestError> {
	return await promise.then(
		() => {
			throw new Error('expected the request to fail');
		},
		(error: JelouRequestError) => error,
	);
}

interface Hit {
	url: string;
	at: number;
	body: string;
}

/** A real HTTP server on 127.0.0.1 (for failures nock cannot fake: time-outs, resets). */
async function loopback(handler: (req: IncomingMessage, res: ServerResponse, hit: number) => void) {
	const hits: Hit[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			hits.push({ url: req.url ?? '', at: Date.now(), body: Buffer.concat(chunks).toString('utf8') });
			handler(req, res, hits.length);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/jelouapi/v1`,
		hits,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
	res.writeHead(status, { 'content-type': 'application/json', ...headers });
	res.end(JSON.stringify(body));
}

beforeAll(() => {
	nock.disableNetConnect();
	nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
	const pending = nock.pendingMocks();
	nock.cleanAll();
	jest.restoreAllMocks();
	expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe('ids in URLs', () => {
	it('encodes each id as one UTF-8 percent-encoded segment', async () => {
		const { transport } = await transportFor();
		expect(transport.url(['external-support', 'ñandú-会話', 'conversations', 'a/b?c#d%e f'])).toBe(
			`${HOST}${PREFIX}/%C3%B1and%C3%BA-%E4%BC%9A%E8%A9%B1/conversations/a%2Fb%3Fc%23d%25e%20f`,
		);
	});
});

describe('retry policy "idempotent" (reads)', () => {
	it.each([429, 502, 503, 504])('%i is retried; the success that follows is returned', async (status) => {
		nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-1`).reply(status, errorBody('busy'));
		nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-1`).reply(200, envelope(closedConversation));
		const { transport, requests } = await transportFor();

		const data = await transport.request({ method: 'GET', path: GET_PATH });

		expect(data).toEqual(closedConversation);
		expect(requests).toHaveLength(2);
	});

	it.each([400, 401, 403, 404, 422, 500])('%i is not retried: exactly one request', async (status) => {
		nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-1`).reply(status, errorBody('no'));
		const { transport, requests } = await transportFor();

		const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));

		expect(error.httpCode).toBe(status);
		expect(requests).toHaveLength(1);
		expect(error.description).not.toContain('Gave up after');
	});

	it('maxRetries 0 disables retries, even for 429 and 503', async () => {
		nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-1`).reply(429, errorBody('slow down'), { 'Retry-After': '0' });
		nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-2`).reply(503, errorBody('down'));
		const { transport, requests } = await transportFor({ ...FAST, maxRetries: 0 });

		expect((await failureOf(transport.request({ method: 'GET', path: GET_PATH }))).httpCode).toBe(429);
		const other = ['external-support', 'proj-1', 'conversations', 'conv-2'];
		expect((await failureOf(transport.request({ method: 'GET', path: other }))).httpCode).toBe(503);
		expect(requests).toHaveLength(2);
	});

	it('stops after maxRetries and reports the last answer, saying how many attempts were made', async () => {
		const scope = nock(HOST);
		scope.get(`${PREFIX}/proj-1/conversations/conv-1`).reply(502, '<html><h1>502 Bad Gateway</h1></html>', { 'Content-Type': 'text/html' });
		scope.get(`${PREFIX}/proj-1/conversations/conv-1`).reply(503, errorBody('Service unavailable'));
		scope.get(`${PREFIX}/proj-1/conversations/conv-1`).reply(504, errorBody('Upstream timed out'));
		const { transport, requests } = await transportFor({ ...FAST, maxRetries: 2 });

		const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));

		expect(requests).toHaveLength(3);
		expect(error.message).toBe('Jelou failed to process the request (HTTP 504): Upstream timed out');
		expect(error.httpCode).toBe(504);
		expect(error.description).toBe(
			"This is a problem on Jelou's side or on the way to it; try again later. Gave up after 3 attempts.",
		);
	});

	it('backs off exponentially between attempts (base × 2^attempt, jitter between half and all of it)', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0.999);
		const server = await loopback((_req, res) => json(res, 503, errorBody('down')));
		try {
			const { transport } = await transportFor({ ...FAST, retryBaseMs: 50, maxRetries: 3 }, { baseUrl: server.baseUrl });
			await failureOf(transport.request({ method: 'GET', path: GET_PATH }));

			const gaps = server.hits.slice(1).map((hit, i) => hit.at - server.hits[i].at);
			expect(gaps).toHaveLength(3);
			// Steps of 50, 100 and 200 ms: a wait is never shorter than its step (upper bounds
			// would only measure how busy the machine is).
			expect(gaps[0]).toBeGreaterThanOrEqual(48);
			expect(gaps[1]).toBeGreaterThanOrEqual(98);
			expect(gaps[2]).toBeGreaterThanOrEqual(198);
			expect(gaps[0] + gaps[1] + gaps[2]).toBeLessThan(3000);
		} finally {
			await server.close();
		}
	});

	it('jitter: with the lowest random draw a step waits half of it', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0);
		const server = await loopback((_req, res, hit) =>
			hit === 1 ? json(res, 503, errorBody('down')) : json(res, 200, envelope(closedConversation)),
		);
		try {
			const { transport } = await transportFor({ ...FAST, retryBaseMs: 600, retryMaxWaitMs: 1000 }, { baseUrl: server.baseUrl });
			await transport.request({ method: 'GET', path: GET_PATH });
			// 300 ms, not the 600 ms of the full step (the margin absorbs a busy machine).
			const gap = server.hits[1].at - server.hits[0].at;
			expect(gap).toBeGreaterThanOrEqual(295);
			expect(gap).toBeLessThan(550);
		} finally {
			await server.close();
		}
	});

	it('never waits longer than retryMaxWaitMs, even when Retry-After asks for an hour', async () => {
		const server = await loopback((_req, res, hit) =>
			hit === 1 ? json(res, 429, errorBody('slow down'), { 'Retry-After': '3600' }) : json(res, 200, envelope(closedConversation)),
		);
		try {
			const { transport } = await transportFor({ ...FAST, retryMaxWaitMs: 50 }, { baseUrl: server.baseUrl });
			await transport.request({ method: 'GET', path: GET_PATH });
			const gap = server.hits[1].at - server.hits[0].at;
			expect(gap).toBeGreaterThanOrEqual(45);
			expect(gap).toBeLessThan(400);
		} finally {
			await server.close();
		}
	});
});

describe('Retry-After is honoured', () => {
	// Backoff alone would wait at least 5 s here: a short gap proves the header decided the wait.
	const SLOW_BACKOFF: Partial<TransportSettings> = { retryBaseMs: 10_000, retryMaxWaitMs: 10_000, maxRetries: 1, timeoutMs: 2000 };

	it('in seconds: "1" waits about one second', async () => {
		const server = await loopback((_req, res, hit) =>
			hit === 1 ? json(res, 429, errorBody('slow down'), { 'Retry-After': '1' }) : json(res, 200, envelope(closedConversation)),
		);
		try {
			const { transport } = await transportFor(SLOW_BACKOFF, { baseUrl: server.baseUrl });
			await transport.request({ method: 'GET', path: GET_PATH });
			const gap = server.hits[1].at - server.hits[0].at;
			expect(gap).toBeGreaterThanOrEqual(950);
			expect(gap).toBeLessThan(1600);
		} finally {
			await server.close();
		}
	});

	it('as an HTTP date: waits until that moment', async () => {
		let until = 0;
		const server = await loopback((_req, res, hit) => {
			if (hit > 1) return json(res, 200, envelope(closedConversation));
			// HTTP dates have whole seconds: the next full second at least 300 ms away.
			until = Math.ceil((Date.now() + 300) / 1000) * 1000;
			json(res, 503, errorBody('maintenance'), { 'Retry-After': new Date(until).toUTCString() });
		});
		try {
			const { transport } = await transportFor(SLOW_BACKOFF, { baseUrl: server.baseUrl });
			await transport.request({ method: 'GET', path: GET_PATH });
			expect(server.hits[1].at).toBeGreaterThanOrEqual(until - 30);
			expect(server.hits[1].at - until).toBeLessThan(500);
		} finally {
			await server.close();
		}
	});

	it('a 429 pauses every request of the execution, not only the throttled one', async () => {
		const server = await loopback((req, res, hit) => {
			if (hit === 1) return json(res, 429, errorBody('slow down'), { 'Retry-After': '0.3' });
			json(res, 200, envelope({ ...closedConversation, _id: req.url?.split('/').pop() }));
		});
		try {
			const { transport } = await transportFor({ ...FAST, retryMaxWaitMs: 1000, concurrency: 10 }, { baseUrl: server.baseUrl });
			const throttled = transport.request({ method: 'GET', path: GET_PATH });
			// Start the second request only once the 429 has been seen (the pacer spaces requests then).
			for (let i = 0; i < 400 && transport.pacer.spacing === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
			expect(transport.pacer.spacing).toBeGreaterThan(0);
			const other = transport.request({ method: 'GET', path: ['external-support', 'proj-1', 'conversations', 'conv-2'] });
			await Promise.all([throttled, other]);

			expect(server.hits).toHaveLength(3);
			const [first, ...later] = server.hits;
			for (const hit of later) expect(hit.at - first.at).toBeGreaterThanOrEqual(290);
			// A Concurrency set by the user stays fixed: the pacer slows the rate, not the limit.
			expect(transport.limiter.limit).toBe(10);
		} finally {
			await server.close();
		}
	});
});

describe('retry policy "notProcessedOnly" (start, close, send)', () => {
	const post = { method: 'POST' as const, path: START_PATH, body: START_BODY, retry: 'notProcessedOnly' as const };

	it.each([502, 503, 504])('%i is not resent: exactly one request, the error is returned', async (status) => {
		nock(HOST).post(`${PREFIX}/proj-1/conversations/start`, START_BODY).reply(status, errorBody('Upstream failed'));
		const { transport, requests } = await transportFor();

		const error = await failureOf(transport.request(post));

		expect(requests).toHaveLength(1);
		expect(error.httpCode).toBe(status);
		expect(error.message).toBe(`Jelou failed to process the request (HTTP ${status}): Upstream failed`);
	});

	it('a time-out is not resent (Jelou may have acted already)', async () => {
		const server = await loopback(() => {
			// never answers
		});
		try {
			const { transport } = await transportFor({ ...FAST, timeoutMs: 150 }, { baseUrl: server.baseUrl });
			const error = await failureOf(transport.request(post));
			expect(error.message).toBe('The request to Jelou timed out');
			// Give a wrongful second attempt the time to show up.
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(server.hits).toHaveLength(1);
			expect(JSON.parse(server.hits[0].body)).toEqual(START_BODY);
		} finally {
			await server.close();
		}
	});

	it('a connection reset is not resent', async () => {
		const server = await loopback((req) => req.socket.destroy());
		try {
			const { transport } = await transportFor(FAST, { baseUrl: server.baseUrl });
			const error = await failureOf(transport.request(post));
			expect(error.message).toBe('The connection to Jelou was interrupted');
			expect(server.hits).toHaveLength(1);
		} finally {
			await server.close();
		}
	});

	it('a 429 is resent (Jelou did not process it), with the very same body', async () => {
		const bodies: unknown[] = [];
		nock(HOST)
			.post(`${PREFIX}/proj-1/conversations/start`)
			.reply(function (_uri, body) {
				bodies.push(body);
				return [429, errorBody('Too many requests'), { 'Retry-After': '0' }];
			})
			.post(`${PREFIX}/proj-1/conversations/start`)
			.reply(function (_uri, body) {
				bodies.push(body);
				return [200, envelope({ _id: 'new-conv' })];
			});
		const { transport } = await transportFor();

		const data = await transport.request(post);

		expect(data).toEqual({ _id: 'new-conv' });
		expect(bodies).toEqual([START_BODY, START_BODY]);
	});

	it('a 429 that persists stops after maxRetries', async () => {
		nock(HOST)
			.post(`${PREFIX}/proj-1/conversations/start`)
			.times(3)
			.reply(429, errorBody('Too many requests'), { 'Retry-After': '0' });
		const { transport, requests } = await transportFor({ ...FAST, maxRetries: 2 });

		const error = await failureOf(transport.request(post));

		expect(requests).toHaveLength(3);
		expect(error.message).toBe('Jelou is limiting the request rate (HTTP 429)');
		expect(error.description).toContain('Gave up after 3 attempts.');
	});
});

describe('network failures on reads', () => {
	it('a time-out is retried, and the answer of the second attempt is returned', async () => {
		const server = await loopback((_req, res, hit) => {
			if (hit > 1) json(res, 200, envelope(closedConversation));
		});
		try {
			const { transport } = await transportFor({ ...FAST, timeoutMs: 150 }, { baseUrl: server.baseUrl });
			const data = await transport.request({ method: 'GET', path: GET_PATH });
			expect(data).toEqual(closedConversation);
			expect(server.hits).toHaveLength(2);
		} finally {
			await server.close();
		}
	});

	it('a body that trickles in for longer than the time-out counts as a time-out', async () => {
		const server = await loopback((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			const timer = setInterval(() => res.write(' '), 30);
			res.on('close', () => clearInterval(timer));
		});
		try {
			const { transport } = await transportFor({ ...FAST, timeoutMs: 150, maxRetries: 0 }, { baseUrl: server.baseUrl });
			const started = Date.now();
			const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));
			expect(error.message).toBe('The request to Jelou timed out');
			expect(error.description).toContain('no complete answer within 150 ms');
			expect(Date.now() - started).toBeLessThan(1000);
		} finally {
			await server.close();
		}
	});

	it('a connection reset in the middle of the body is retried', async () => {
		const server = await loopback((_req, res, hit) => {
			if (hit > 1) return json(res, 200, envelope(closedConversation));
			res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
			res.write('{"status":1,"data":{"_id":"');
			setTimeout(() => res.socket?.destroy(), 10);
		});
		try {
			const { transport } = await transportFor(FAST, { baseUrl: server.baseUrl });
			const data = await transport.request({ method: 'GET', path: GET_PATH });
			expect(data).toEqual(closedConversation);
			expect(server.hits).toHaveLength(2);
		} finally {
			await server.close();
		}
	});
});

describe('cancelling the execution', () => {
	it('stops a backoff wait at once and sends nothing more', async () => {
		const server = await loopback((_req, res) => json(res, 503, errorBody('down'), { 'Retry-After': '30' }));
		const controller = new AbortController();
		try {
			const { transport } = await transportFor(
				{ ...FAST, retryMaxWaitMs: 30_000 },
				{ baseUrl: server.baseUrl, abortSignal: controller.signal },
			);
			const started = Date.now();
			const pending = failureOf(transport.request({ method: 'GET', path: GET_PATH }));
			setTimeout(() => controller.abort(), 100);
			const error = await pending;
			expect(error.message).toBe('The execution was cancelled');
			expect(Date.now() - started).toBeLessThan(600);
			expect(server.hits).toHaveLength(1);
		} finally {
			await server.close();
		}
	});

	it('drops a request in flight instead of waiting for its answer', async () => {
		let closedByClient = false;
		const server = await loopback((req) => {
			req.socket.on('close', () => {
				closedByClient = true;
			});
		});
		const controller = new AbortController();
		try {
			const { transport } = await transportFor(
				{ ...FAST, timeoutMs: 30_000 },
				{ baseUrl: server.baseUrl, abortSignal: controller.signal },
			);
			const started = Date.now();
			const pending = failureOf(transport.request({ method: 'GET', path: GET_PATH }));
			setTimeout(() => controller.abort(), 100);
			const error = await pending;
			expect(error.message).toBe('The execution was cancelled');
			expect(Date.now() - started).toBeLessThan(600);
			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(closedByClient).toBe(true);
			expect(server.hits).toHaveLength(1);
		} finally {
			await server.close();
		}
	});

	it('sends nothing when the execution is already cancelled', async () => {
		const controller = new AbortController();
		controller.abort();
		const { transport, requests } = await transportFor(FAST, { abortSignal: controller.signal });
		const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));
		expect(error.message).toBe('The execution was cancelled');
		expect(requests).toHaveLength(0);
	});
});

describe('secrets', () => {
	it('an HTML page that echoes the key is excerpted without any piece of the key', async () => {
		// The key straddles the 200-character cut of the excerpt.
		const page = `<html><body><p>${'x'.repeat(185)} ${TEST_API_KEY} and more text after it</p></body></html>`;
		nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-1`).reply(502, page, { 'Content-Type': 'text/html' });
		const { transport } = await transportFor({ ...FAST, maxRetries: 0 });

		const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));

		expectNoSecrets(error, error.description, error.body);
		expect(error.description).not.toContain(TEST_API_KEY.slice(0, 8));
		expect(error.description).toContain('[redacted]');
	});

	it('Basic credentials echoed in a JSON error are redacted in message, description and body', async () => {
		const basic = SECRETS[2];
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/conv-1`)
			.reply(422, errorBody(`Bad header Basic ${basic}`, { validationError: { authorization: `Basic ${basic}` } }));
		const { transport } = await transportFor(FAST, { basic: true });

		const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));

		expect(error.message).toBe('Jelou rejected the request (HTTP 422): Bad header Basic [redacted]');
		expect(error.description).toBe('Fields Jelou objected to: authorization: Basic [redacted].');
		expectNoSecrets(error, error.message, error.description, error.body);
	});
});
