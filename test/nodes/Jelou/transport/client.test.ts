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
import { SimulatedClock } from '../../../support/clock';
import { json } from '../../../support/loopback';
import { answerWithNockAndLoopback } from '../../../support/nock';

const HOST = 'https://jelou.test';
const PREFIX = '/jelouapi/v1/external-support';
const START_PATH = ['external-support', 'proj-1', 'conversations', 'start'];
const GET_PATH = ['external-support', 'proj-1', 'conversations', 'conv-1'];
const START_BODY = { botId: 'bot-9', userId: 'user-1', initialMessage: 'Hola' };

/** Small waits everywhere: a retry costs milliseconds, not the production half second. */
const FAST: Partial<TransportSettings> = {
	retryBaseMs: 5,
	retryMaxWaitMs: 200,
	maxRetries: 3,
	timeoutMs: 2000,
};

async function transportFor(
	settings: Partial<TransportSettings> = FAST,
	extra: { baseUrl?: string; abortSignal?: AbortSignal; basic?: boolean } = {},
) {
	const credentials = { ...(extra.basic ? basicCredentials : apiKeyCredentials) };
	if (extra.baseUrl) credentials.baseUrl = extra.baseUrl;
	const { ctx, requests } = createContext({
		params: {},
		credentials,
		abortSignal: extra.abortSignal,
	});
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

/**
 * A real HTTP server on 127.0.0.1 (for failures nock cannot fake: time-outs, resets). `now` stamps
 * each hit: the transport's simulated clock where a test gives it one.
 */
async function loopback(
	handler: (req: IncomingMessage, res: ServerResponse, hit: number) => void,
	now: () => number = () => Date.now(),
) {
	const hits: Hit[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			hits.push({ url: req.url ?? '', at: now(), body: Buffer.concat(chunks).toString('utf8') });
			handler(req, res, hits.length);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const close = async () => {
		if (!server.listening) return;
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	};
	openServers.push(close);
	return { baseUrl: `http://127.0.0.1:${port}/jelouapi/v1`, hits, close };
}

/** Closed after each test, even one that failed or timed out before its own `finally`. */
const openServers: Array<() => Promise<void>> = [];

// Real servers: room for a busy machine. No test waits for this time-out to pass.
jest.setTimeout(30_000);

answerWithNockAndLoopback(async () => {
	for (const close of openServers.splice(0)) await close();
});

describe('ids in URLs', () => {
	it('encodes each id as one UTF-8 percent-encoded segment', async () => {
		const { transport } = await transportFor();
		expect(transport.url(['external-support', 'ñandú-会話', 'conversations', 'a/b?c#d%e f'])).toBe(
			`${HOST}${PREFIX}/%C3%B1and%C3%BA-%E4%BC%9A%E8%A9%B1/conversations/a%2Fb%3Fc%23d%25e%20f`,
		);
	});
});

describe('retry policy "idempotent" (reads)', () => {
	it.each([429, 502, 503, 504])(
		'%i is retried; the success that follows is returned',
		async (status) => {
			nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-1`).reply(status, errorBody('busy'));
			nock(HOST)
				.get(`${PREFIX}/proj-1/conversations/conv-1`)
				.reply(200, envelope(closedConversation));
			const { transport, requests } = await transportFor();

			const data = await transport.request({ method: 'GET', path: GET_PATH });

			expect(data).toEqual(closedConversation);
			expect(requests).toHaveLength(2);
		},
	);

	it.each([400, 401, 403, 404, 422, 500])(
		'%i is not retried: exactly one request',
		async (status) => {
			nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-1`).reply(status, errorBody('no'));
			const { transport, requests } = await transportFor();

			const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));

			expect(error.httpCode).toBe(status);
			expect(requests).toHaveLength(1);
			expect(error.description).not.toContain('Gave up after');
		},
	);

	it('maxRetries 0 disables retries, even for 429 and 503', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/conv-1`)
			.reply(429, errorBody('slow down'), { 'Retry-After': '0' });
		nock(HOST).get(`${PREFIX}/proj-1/conversations/conv-2`).reply(503, errorBody('down'));
		const { transport, requests } = await transportFor({ ...FAST, maxRetries: 0 });

		expect((await failureOf(transport.request({ method: 'GET', path: GET_PATH }))).httpCode).toBe(
			429,
		);
		const other = ['external-support', 'proj-1', 'conversations', 'conv-2'];
		expect((await failureOf(transport.request({ method: 'GET', path: other }))).httpCode).toBe(503);
		expect(requests).toHaveLength(2);
	});

	it('stops after maxRetries and reports the last answer, saying how many attempts were made', async () => {
		const scope = nock(HOST);
		scope
			.get(`${PREFIX}/proj-1/conversations/conv-1`)
			.reply(502, '<html><h1>502 Bad Gateway</h1></html>', { 'Content-Type': 'text/html' });
		scope.get(`${PREFIX}/proj-1/conversations/conv-1`).reply(503, errorBody('Service unavailable'));
		scope.get(`${PREFIX}/proj-1/conversations/conv-1`).reply(504, errorBody('Upstream timed out'));
		const { transport, requests } = await transportFor({ ...FAST, maxRetries: 2 });

		const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));

		expect(requests).toHaveLength(3);
		expect(error.message).toBe(
			'Jelou failed to process the request (HTTP 504): Upstream timed out',
		);
		expect(error.httpCode).toBe(504);
		expect(error.description).toBe(
			"This is a problem on Jelou's side or on the way to it; try again later. Gave up after 3 attempts.",
		);
	});

	it('backs off exponentially between attempts (base × 2^attempt, jitter between half and all of it)', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0.999);
		const clock = new SimulatedClock();
		const server = await loopback((_req, res) => json(res, 503, errorBody('down')), clock.now);
		try {
			const { transport } = await transportFor(
				{ ...FAST, retryBaseMs: 50, maxRetries: 3, clock },
				{ baseUrl: server.baseUrl },
			);
			await failureOf(transport.request({ method: 'GET', path: GET_PATH }));

			// Steps of 50, 100 and 200 ms, each drawn at the top of its jitter range; every attempt
			// is sent once its wait is over.
			expect(clock.waits).toEqual([50, 100, 200]);
			const gaps = server.hits.slice(1).map((hit, i) => hit.at - server.hits[i].at);
			expect(gaps).toEqual([50, 100, 200]);
		} finally {
			await server.close();
		}
	});

	it('jitter: with the lowest random draw a step waits half of it', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0);
		const clock = new SimulatedClock();
		const server = await loopback(
			(_req, res, hit) =>
				hit === 1
					? json(res, 503, errorBody('down'))
					: json(res, 200, envelope(closedConversation)),
			clock.now,
		);
		try {
			const { transport } = await transportFor(
				{ ...FAST, retryBaseMs: 600, retryMaxWaitMs: 1000, clock },
				{ baseUrl: server.baseUrl },
			);
			await transport.request({ method: 'GET', path: GET_PATH });
			// 300 ms, not the 600 ms of the full step.
			expect(clock.waits).toEqual([300]);
			expect(server.hits[1].at - server.hits[0].at).toBe(300);
		} finally {
			await server.close();
		}
	});

	it('never waits longer than retryMaxWaitMs, even when Retry-After asks for an hour', async () => {
		const clock = new SimulatedClock();
		const server = await loopback(
			(_req, res, hit) =>
				hit === 1
					? json(res, 429, errorBody('slow down'), { 'Retry-After': '3600' })
					: json(res, 200, envelope(closedConversation)),
			clock.now,
		);
		try {
			const { transport } = await transportFor(
				{ ...FAST, retryMaxWaitMs: 50, clock },
				{ baseUrl: server.baseUrl },
			);
			await transport.request({ method: 'GET', path: GET_PATH });
			// The retry's own wait and the pause the 429 set for everyone both end after 50 ms.
			expect(Math.max(...clock.waits)).toBe(50);
			expect(server.hits[1].at - server.hits[0].at).toBe(50);
		} finally {
			await server.close();
		}
	});
});

describe('Retry-After is honoured', () => {
	// Backoff alone would wait at least 5 s here: a short gap proves the header decided the wait.
	const SLOW_BACKOFF: Partial<TransportSettings> = {
		retryBaseMs: 10_000,
		retryMaxWaitMs: 10_000,
		maxRetries: 1,
		timeoutMs: 2000,
	};

	it('in seconds: "1" waits about one second', async () => {
		const clock = new SimulatedClock();
		const server = await loopback(
			(_req, res, hit) =>
				hit === 1
					? json(res, 429, errorBody('slow down'), { 'Retry-After': '1' })
					: json(res, 200, envelope(closedConversation)),
			clock.now,
		);
		try {
			const { transport } = await transportFor(
				{ ...SLOW_BACKOFF, clock },
				{ baseUrl: server.baseUrl },
			);
			await transport.request({ method: 'GET', path: GET_PATH });
			expect(Math.max(...clock.waits)).toBe(1000);
			expect(server.hits[1].at - server.hits[0].at).toBe(1000);
		} finally {
			await server.close();
		}
	});

	it('as an HTTP date: waits until that moment', async () => {
		// 10:30:00.400; HTTP dates have whole seconds: the server asks for 10:30:02.
		const clock = new SimulatedClock(Date.parse('2026-01-15T10:30:00.400Z'));
		const until = Date.parse('2026-01-15T10:30:02.000Z');
		const server = await loopback((_req, res, hit) => {
			if (hit > 1) return json(res, 200, envelope(closedConversation));
			json(res, 503, errorBody('maintenance'), { 'Retry-After': new Date(until).toUTCString() });
		}, clock.now);
		try {
			const { transport } = await transportFor(
				{ ...SLOW_BACKOFF, clock },
				{ baseUrl: server.baseUrl },
			);
			await transport.request({ method: 'GET', path: GET_PATH });
			expect(clock.waits).toEqual([1600]);
			expect(server.hits[1].at).toBe(until);
		} finally {
			await server.close();
		}
	});

	it('a 429 pauses every request of the execution, not only the throttled one', async () => {
		const clock = new SimulatedClock();
		clock.hold();
		const server = await loopback((req, res, hit) => {
			if (hit === 1) return json(res, 429, errorBody('slow down'), { 'Retry-After': '0.3' });
			json(res, 200, envelope({ ...closedConversation, _id: req.url?.split('/').pop() }));
		}, clock.now);
		try {
			const { transport } = await transportFor(
				{ ...FAST, retryMaxWaitMs: 1000, concurrency: 10, clock },
				{ baseUrl: server.baseUrl },
			);
			const throttled = transport.request({ method: 'GET', path: GET_PATH });
			// The throttled request waits out its Retry-After; the pacer spaces requests from then on.
			await clock.pendingCount(1);
			expect(transport.pacer.spacing).toBeGreaterThan(0);
			// A request started during that pause waits for its end as well.
			const other = transport.request({
				method: 'GET',
				path: ['external-support', 'proj-1', 'conversations', 'conv-2'],
			});
			await clock.pendingCount(2);
			const t0 = server.hits[0].at;
			expect(clock.pending).toEqual([t0 + 300, t0 + 300]);
			clock.advance(299);
			expect(clock.pending).toHaveLength(2);
			expect(server.hits).toHaveLength(1);
			clock.release();
			await Promise.all([throttled, other]);

			expect(server.hits).toHaveLength(3);
			const [first, ...later] = server.hits;
			for (const hit of later) expect(hit.at - first.at).toBeGreaterThanOrEqual(300);
			// A Concurrency set by the user stays fixed: the pacer slows the rate, not the limit.
			expect(transport.limiter.limit).toBe(10);
		} finally {
			await server.close();
		}
	});
});

describe('retry policy "notProcessedOnly" (start, close, send)', () => {
	const post = {
		method: 'POST' as const,
		path: START_PATH,
		body: START_BODY,
		retry: 'notProcessedOnly' as const,
	};

	it.each([502, 503, 504])(
		'%i is not resent: exactly one request, the error is returned',
		async (status) => {
			nock(HOST)
				.post(`${PREFIX}/proj-1/conversations/start`, START_BODY)
				.reply(status, errorBody('Upstream failed'));
			const { transport, requests } = await transportFor();

			const error = await failureOf(transport.request(post));

			expect(requests).toHaveLength(1);
			expect(error.httpCode).toBe(status);
			expect(error.message).toBe(
				`Jelou failed to process the request (HTTP ${status}): Upstream failed`,
			);
		},
	);

	it('a time-out is not resent (Jelou may have acted already)', async () => {
		const server = await loopback(() => {
			// never answers
		});
		try {
			const { transport } = await transportFor(
				{ ...FAST, timeoutMs: 150 },
				{ baseUrl: server.baseUrl },
			);
			const error = await failureOf(transport.request(post));
			expect(error.message).toBe('The request to Jelou timed out');
			// Attempts are sent one after another: a second attempt would have come (and timed out)
			// before the request failed.
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
			const { transport } = await transportFor(
				{ ...FAST, timeoutMs: 150 },
				{ baseUrl: server.baseUrl },
			);
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
			const { transport } = await transportFor(
				{ ...FAST, timeoutMs: 150, maxRetries: 0 },
				{ baseUrl: server.baseUrl },
			);
			// The server trickles forever: a transport that waited for the whole body would never end
			// (the test would hit jest's time-out).
			const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));
			expect(error.message).toBe('The request to Jelou timed out');
			expect(error.description).toContain('no complete answer within 150 ms');
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
	it('stops a backoff wait at once, clears its timer and sends nothing more', async () => {
		// The real clock on jest's fake timers (sockets keep their real ones): the 30 s wait is a
		// timer that never fires unless the test moves the time.
		jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
		const server = await loopback((_req, res) =>
			json(res, 503, errorBody('down'), { 'Retry-After': '30' }),
		);
		const controller = new AbortController();
		try {
			const { transport } = await transportFor(
				{ ...FAST, retryMaxWaitMs: 30_000 },
				{ baseUrl: server.baseUrl, abortSignal: controller.signal },
			);
			const pending = failureOf(transport.request({ method: 'GET', path: GET_PATH }));
			while (jest.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
			expect(server.hits).toHaveLength(1);
			controller.abort();
			const error = await pending;
			expect(error.message).toBe('The execution was cancelled');
			// Nothing of the wait is left to keep the process alive.
			expect(jest.getTimerCount()).toBe(0);
			expect(server.hits).toHaveLength(1);
		} finally {
			jest.useRealTimers();
			await server.close();
		}
	});

	it('drops a request in flight instead of waiting for its answer', async () => {
		const controller = new AbortController();
		let arrived: () => void = () => {};
		const arrival = new Promise<void>((resolve) => {
			arrived = resolve;
		});
		// The server never answers; it only notes the request. Its
		// port may have been another test process's a moment ago: only this test's path counts.
		const path = ['external-support', 'proj-1', 'conversations', 'drop-in-flight'];
		const ours = (url: string) => url.endsWith('/drop-in-flight');
		const server = await loopback((req) => {
			if (!ours(req.url ?? '')) return;
			arrived();
		});
		try {
			const { transport, requests } = await transportFor(
				{ ...FAST, timeoutMs: 120_000 },
				{ baseUrl: server.baseUrl, abortSignal: controller.signal },
			);
			const pending = failureOf(transport.request({ method: 'GET', path }));
			// Cancelled once the request is at the server; waiting for the answer (or the 120 s
			// time-out) would exceed jest's time-out.
			await arrival;
			controller.abort();
			const error = await pending;
			expect(error.message).toBe('The execution was cancelled');
			// n8n's helper got the execution's signal (it drops the connection; the fake n8n's
			// socket close is not always seen by the server at once, so it is not asserted here).
			expect(requests[0].abortSignal).toBe(controller.signal);
			expect(server.hits.filter((hit) => ours(hit.url))).toHaveLength(1);
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
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/conv-1`)
			.reply(502, page, { 'Content-Type': 'text/html' });
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
			.reply(
				422,
				errorBody(`Bad header Basic ${basic}`, {
					validationError: { authorization: `Basic ${basic}` },
				}),
			);
		const { transport } = await transportFor(FAST, { basic: true });

		const error = await failureOf(transport.request({ method: 'GET', path: GET_PATH }));

		expect(error.message).toBe(
			'Jelou rejected the request (HTTP 422): Bad header Basic [redacted]',
		);
		expect(error.description).toBe('Fields Jelou objected to: authorization: Basic [redacted].');
		expectNoSecrets(error, error.message, error.description, error.body);
	});
});
