'use strict';

// Fault injection (rate limit, latency, error rate), control routes, reset and close.

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startSandbox } = require('../server.js');
const { apiKeyHeaders, request, PROJECT, manualClock, until } = require('./helpers.js');

const GET_CONV = `/external-support/${PROJECT}/conversations/conv-closed-001`;
const get = (sb) => request(sb.baseUrl, 'GET', GET_CONV, { headers: apiKeyHeaders });

async function control(sb, method, path, body) {
	const res = await fetch(`${sb.url}/__sandbox${path}`, {
		method,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, json: /** @type {any} */ (await res.json()) };
}

// The time-out turns a wait for a timer that never comes (`until`) into a failure, not a hang.
describe('sandbox: faults', { timeout: 60000 }, () => {
	// The rate-limit window, the latency and the Retry-After date follow this clock only.
	const clock = manualClock();
	let sb;
	before(async () => {
		sb = await startSandbox({ clock });
	});
	after(async () => {
		await sb.close();
	});
	beforeEach(() => sb.reset());

	it('rate limit: beyond N per second answers 429 + Retry-After: 1 with the error body', async () => {
		sb.configure({ rateLimit: 5 });
		const results = await Promise.all(Array.from({ length: 12 }, () => get(sb)));
		const ok = results.filter((r) => r.status === 200);
		const limited = results.filter((r) => r.status === 429);
		assert.equal(ok.length, 5);
		assert.equal(limited.length, 7);
		for (const r of limited) {
			assert.equal(r.headers['retry-after'], '1');
			assert.equal(r.json.status, 0);
			assert.equal(r.json.error.code, 'TOO_MANY_REQUESTS');
		}
		// Control routes are never limited.
		for (let i = 0; i < 10; i++) assert.equal((await control(sb, 'GET', '/health')).status, 200);
		// The window is one second from the first accepted request.
		clock.advance(999);
		assert.equal((await get(sb)).status, 429);
		clock.advance(1);
		assert.equal((await get(sb)).status, 200);
	});

	it('rate limit: retryAfterMode date and none', async () => {
		sb.configure({ rateLimit: 1, retryAfterMode: 'date' });
		// To 100 ms past a whole second (the sandbox's clock dates the header).
		clock.advance(1100 - (clock.date() % 1000));
		const second = clock.date() - 100;
		assert.equal((await get(sb)).status, 200);
		const dated = await get(sb);
		assert.equal(dated.status, 429);
		// One second on, rounded up to the whole second an HTTP date can say.
		assert.equal(dated.headers['retry-after'], new Date(second + 2000).toUTCString());
		assert.match(dated.headers['retry-after'], /GMT$/);
		clock.advance(950);
		const later = await get(sb);
		assert.equal(later.status, 429);
		assert.equal(later.headers['retry-after'], new Date(second + 3000).toUTCString());
		sb.configure({ retryAfterMode: 'none' });
		const bare = await get(sb);
		assert.equal(bare.status, 429);
		assert.equal(bare.headers['retry-after'], undefined);
	});

	it('latency delays API answers but not control routes', async () => {
		sb.configure({ latencyMs: 200 });
		let answered = false;
		const pending = get(sb).then((r) => {
			answered = true;
			return r;
		});
		await until(() => clock.pending === 1);
		// A control route answers at once, while the API answer waits.
		assert.equal((await control(sb, 'GET', '/health')).status, 200);
		assert.equal(answered, false);
		clock.advance(199);
		assert.equal(clock.pending, 1);
		clock.advance(1);
		assert.equal(clock.pending, 0);
		assert.equal((await pending).status, 200);
		// Concurrent requests wait in parallel (timers, not a queue or busy-wait): 200 ms for all.
		const many = Promise.all(Array.from({ length: 20 }, () => get(sb)));
		await until(() => clock.pending === 20);
		clock.advance(199);
		assert.equal(clock.pending, 20);
		clock.advance(1);
		assert.ok((await many).every((r) => r.status === 200));
	});

	it('errorRate answers that share of API requests with 500/502/503 in turn', async () => {
		sb.configure({ errorRate: 0.25 });
		const statuses = [];
		for (let i = 0; i < 40; i++) statuses.push((await get(sb)).status);
		const failed = statuses.filter((s) => s >= 500);
		assert.equal(failed.length, 10);
		assert.equal(statuses.filter((s) => s === 200).length, 30);
		assert.deepEqual(failed.slice(0, 6), [500, 502, 503, 500, 502, 503]);
		const r = await get(sb); // 41st: fine
		assert.equal(r.status, 200);

		sb.configure({ errorRate: 1 });
		const all = await Promise.all(Array.from({ length: 6 }, () => get(sb)));
		assert.ok(all.every((x) => x.status >= 500 && x.json.status === 0));
		assert.equal((await control(sb, 'GET', '/health')).status, 200);
		sb.configure({ errorRate: 0 });
		assert.equal((await get(sb)).status, 200);
	});

	it('faultStatuses chooses the injected statuses: 429 comes with Retry-After, the cycle restarts', async () => {
		sb.configure({ errorRate: 1, faultStatuses: [429] });
		const limited = [await get(sb), await get(sb)];
		assert.deepEqual(
			limited.map((r) => [r.status, r.headers['retry-after'], r.json.error.key]),
			[
				[429, '1', 'rate_limit_exceeded'],
				[429, '1', 'rate_limit_exceeded'],
			],
		);
		sb.configure({ faultStatuses: [503, 500] });
		assert.deepEqual([(await get(sb)).status, (await get(sb)).status], [503, 500]);
		assert.throws(() => sb.configure({ faultStatuses: [404] }), /faultStatuses must be/);
		assert.throws(() => sb.configure({ faultStatuses: [] }), /faultStatuses must be/);
		sb.configure({ errorRate: 0, faultStatuses: [500, 502, 503] });
		assert.equal((await get(sb)).status, 200);
	});

	it('configure validates its input', () => {
		assert.throws(() => sb.configure({ errorRate: 2 }), /errorRate/);
		assert.throws(() => sb.configure({ latencyMs: -1 }), /latencyMs/);
		assert.throws(() => sb.configure({ latency: 5 }), /unknown setting/);
		assert.throws(() => sb.configure({ retryAfterMode: 'minutes' }), /retryAfterMode/);
		const cfg = sb.configure({ latencyMs: 5, rateLimit: 7 });
		assert.equal(cfg.latencyMs, 5);
		assert.equal(cfg.rateLimit, 7);
		sb.reset();
		assert.equal(sb.config.latencyMs, 0);
		assert.equal(sb.config.rateLimit, 0);
	});
});

describe('sandbox: control routes', () => {
	let sb;
	before(async () => {
		sb = await startSandbox({ latencyMs: 0 });
	});
	after(async () => {
		await sb.close();
	});

	it('GET /__sandbox/health', async () => {
		const r = await control(sb, 'GET', '/health');
		assert.equal(r.status, 200);
		assert.equal(r.json.status, 'ok');
		assert.equal(r.json.baseUrl, sb.baseUrl);
		assert.equal(r.json.messagingBaseUrl, sb.messagingBaseUrl);
	});

	it('GET and DELETE /__sandbox/requests', async () => {
		await control(sb, 'DELETE', '/requests');
		await get(sb);
		await request(sb.baseUrl, 'GET', '/external-support/demo-project/conversations/gen-2', {
			headers: apiKeyHeaders,
		});
		const r = await control(sb, 'GET', '/requests');
		assert.equal(r.status, 200);
		assert.equal(r.json.length, 2);
		assert.deepEqual(
			Object.keys(r.json[0]).filter((k) =>
				['method', 'path', 'headers', 'body', 'status', 'at'].includes(k),
			).length,
			6,
		);
		assert.equal(r.json[1].path, '/jelouapi/v1/external-support/demo-project/conversations/gen-2');
		assert.equal(r.json[1].status, 200);
		const last = await control(sb, 'GET', '/requests?limit=1');
		assert.equal(last.json.length, 1);
		const del = await control(sb, 'DELETE', '/requests');
		assert.equal(del.json.cleared, 2);
		assert.equal((await control(sb, 'GET', '/requests')).json.length, 0);
		assert.equal(sb.requests.length, 0);
	});

	it('POST /__sandbox/config changes faults; bad input is 400', async () => {
		const r = await control(sb, 'POST', '/config', { rateLimit: 1, retryAfterMode: 'none' });
		assert.equal(r.status, 200);
		assert.equal(r.json.rateLimit, 1);
		assert.equal(sb.config.rateLimit, 1);
		assert.equal((await get(sb)).status, 200);
		assert.equal((await get(sb)).status, 429);
		assert.equal((await control(sb, 'GET', '/config')).json.retryAfterMode, 'none');
		assert.equal((await control(sb, 'POST', '/config', { errorRate: 'lots' })).status, 400);
		const bad = await fetch(`${sb.url}/__sandbox/config`, { method: 'POST', body: '{oops' });
		assert.equal(bad.status, 400);
		const reset = await control(sb, 'POST', '/reset');
		assert.equal(reset.status, 200);
		assert.equal(sb.config.rateLimit, 0);
		assert.equal((await get(sb)).status, 200);
	});

	it('/__sandbox/integration seeds a known secret; /__sandbox/messages lists sent messages', async () => {
		assert.equal((await control(sb, 'GET', '/integration')).status, 404);
		const seeded = await control(sb, 'POST', '/integration', {
			webhookUrl: 'http://127.0.0.1:9/x',
			authType: 'no_auth',
			signingSecret: 'known',
		});
		assert.equal(seeded.status, 200);
		assert.equal(seeded.json.signingSecret, 'known');
		const viaApi = await request(sb.baseUrl, 'GET', '/external-support/demo-project', {
			headers: apiKeyHeaders,
		});
		assert.equal(viaApi.status, 200);
		assert.equal(viaApi.json.data.webhookUrl, 'http://127.0.0.1:9/x');
		assert.equal((await control(sb, 'GET', '/messages')).json.length, 0);
		assert.equal((await control(sb, 'DELETE', '/integration')).status, 200);
		assert.equal(
			(
				await request(sb.baseUrl, 'GET', '/external-support/demo-project', {
					headers: apiKeyHeaders,
				})
			).status,
			404,
		);
	});

	it('unknown control route is a JSON 404', async () => {
		const r = await control(sb, 'GET', '/nope');
		assert.equal(r.status, 404);
		assert.match(r.json.error, /unknown sandbox control route/);
	});
});

describe('sandbox: close', () => {
	// A close that waited for the delayed answer (its clock never moves) or for the keep-alive
	// socket (30 s) would run into the time-out.
	it(
		'closes promptly with open keep-alive sockets and pending delayed answers',
		{ timeout: 20000 },
		async () => {
			const clock = manualClock();
			const sb = await startSandbox({ latencyMs: 5000, clock });
			const agent = new http.Agent({ keepAlive: true });
			try {
				// One finished keep-alive request (socket stays open) ...
				const first = await new Promise((resolve, reject) => {
					http
						.get(`${sb.url}/__sandbox/health`, { agent }, (res) => {
							res.resume();
							res.on('end', () => resolve(res.statusCode));
						})
						.on('error', reject);
				});
				assert.equal(first, 200);
				// ... and one still waiting for its delayed answer.
				const pending = new Promise((resolve) => {
					http
						.get(`${sb.baseUrl}${GET_CONV}`, { agent, headers: apiKeyHeaders }, (res) =>
							resolve(res.statusCode),
						)
						.on('error', (/** @type {NodeJS.ErrnoException} */ e) => resolve(e.code));
				});
				await until(() => clock.pending === 1);
				await sb.close();
				// The delayed answer's timer was dropped, not left to fire.
				assert.equal(clock.pending, 0);
				assert.notEqual(await pending, 200);
				await assert.rejects(fetch(`${sb.url}/__sandbox/health`));
				await sb.close(); // idempotent
			} finally {
				agent.destroy();
			}
		},
	);

	it('rejects with EADDRINUSE when the port is taken', async () => {
		const a = await startSandbox();
		try {
			await assert.rejects(
				startSandbox({ port: a.port }),
				(/** @type {any} */ err) => err.code === 'EADDRINUSE',
			);
		} finally {
			await a.close();
		}
	});
});
