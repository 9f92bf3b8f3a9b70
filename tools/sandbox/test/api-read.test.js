'use strict';

// Auth, Get conversation (seeded, generated, encoded and special test ids), routing and body errors.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSandbox } = require('../server.js');
const {
	apiKeyHeaders,
	basicHeaders,
	request,
	PROJECT,
	CONVERSATION_KEYS,
} = require('./helpers.js');

const CONV = `/external-support/${PROJECT}/conversations`;

/**
 * @param {any} json
 * @param {{ code?: string, descriptionIncludes?: string }} [expected]
 */
function assertErrorBody(json, { code, descriptionIncludes } = {}) {
	assert.equal(typeof json.message, 'string');
	assert.equal(json.statusMessage, 'error');
	assert.equal(json.status, 0);
	assert.deepEqual(Object.keys(json.error).sort(), [
		'clientMessages',
		'code',
		'description',
		'developerMessages',
		'key',
	]);
	assert.deepEqual(json.error.developerMessages, {});
	assert.deepEqual(json.error.clientMessages, {});
	assert.equal(typeof json.validationError, 'object');
	if (code) assert.equal(json.error.code, code);
	if (descriptionIncludes)
		assert.ok(json.error.description.includes(descriptionIncludes), json.error.description);
}

describe('sandbox: auth and get conversation', () => {
	let sb;
	before(async () => {
		sb = await startSandbox({ port: 0 });
	});
	after(async () => {
		await sb.close();
	});

	it('exposes the documented URLs on 127.0.0.1', () => {
		assert.match(sb.url, /^http:\/\/127\.0\.0\.1:\d+$/);
		assert.equal(sb.baseUrl, `${sb.url}/jelouapi/v1`);
		assert.equal(sb.messagingBaseUrl, `${sb.url}/v1`);
		assert.equal(sb.server.address().address, '127.0.0.1');
	});

	it('accepts x-api-key and Basic auth', async () => {
		const a = await request(sb.baseUrl, 'GET', `${CONV}/conv-closed-001`, {
			headers: apiKeyHeaders,
		});
		assert.equal(a.status, 200);
		assert.equal(a.json.data._id, 'conv-closed-001');
		const b = await request(sb.baseUrl, 'GET', `${CONV}/conv-closed-001`, {
			headers: basicHeaders(),
		});
		assert.equal(b.status, 200);
		assert.equal(b.json.data._id, 'conv-closed-001');
		// Also through the built-in fetch.
		const c = await fetch(`${sb.baseUrl}${CONV}/conv-closed-001`, { headers: apiKeyHeaders });
		assert.equal(c.status, 200);
		assert.equal(/** @type {any} */ (await c.json()).status, 1);
		assert.equal(sb.requests.at(-3).auth, 'api_key');
		assert.equal(sb.requests.at(-2).auth, 'basic');
	});

	it('refuses missing and wrong credentials with 401 and never echoes them', async () => {
		const secretKey = 'very-secret-wrong-key-123';
		const cases = [
			{},
			{ 'x-api-key': secretKey },
			basicHeaders('sandbox-client', secretKey),
			basicHeaders(secretKey, 'sandbox-secret'),
			{ authorization: `Bearer ${secretKey}` },
			{ authorization: 'Basic sandbox-client:sandbox-secret' }, // not base64-encoded
		];
		for (const headers of cases) {
			const r = await request(sb.baseUrl, 'GET', `${CONV}/conv-closed-001`, { headers });
			assert.equal(r.status, 401, JSON.stringify(headers));
			assertErrorBody(r.json, { code: 'UNAUTHORIZED', descriptionIncludes: 'Invalid credentials' });
			assert.ok(!r.text.includes(secretKey));
			assert.ok(!r.text.includes(Buffer.from(`sandbox-client:${secretKey}`).toString('base64')));
		}
		// The request log redacts credentials too.
		const logged = JSON.stringify(sb.requests);
		assert.ok(!logged.includes(secretKey));
		assert.ok(!logged.includes('sandbox-api-key'));
		assert.ok(!logged.includes(Buffer.from('sandbox-client:sandbox-secret').toString('base64')));
		assert.equal(sb.requests.at(-2).headers.authorization, 'Bearer [redacted]');
		assert.equal(sb.requests.at(-2).auth, 'invalid');
		const control = await (await fetch(`${sb.url}/__sandbox/requests`)).text();
		assert.ok(!control.includes(secretKey));
	});

	it('requires auth on unknown /jelouapi/v1 routes too', async () => {
		const r = await request(sb.baseUrl, 'GET', '/nothing-here');
		assert.equal(r.status, 401);
	});

	it('returns conv-closed-001 with the exact documented shape', async () => {
		const r = await request(sb.baseUrl, 'GET', `${CONV}/conv-closed-001`, {
			headers: apiKeyHeaders,
		});
		assert.equal(r.status, 200);
		assert.match(r.headers['content-type'], /^application\/json/);
		assert.deepEqual(r.json.message, ['Conversation retrieved successfully']);
		assert.equal(r.json.statusMessage, 'success');
		assert.equal(r.json.status, 1);
		const d = r.json.data;
		assert.deepEqual(Object.keys(d), CONVERSATION_KEYS);
		assert.deepEqual(Object.keys(d.User), ['id', 'names', 'referenceId', 'createdAt']);
		assert.deepEqual(Object.keys(d.Bot), ['id', 'name', 'type']);
		assert.equal(d.state, 'closed');
		assert.equal(d.endedReason, 'closed_by_operator');
		assert.equal(Date.parse(d.endAt) - Date.parse(d.startAt), 15 * 60 * 1000);
		assert.equal(d.Bot.type, 'Whatsapp');
		assert.equal(d.User.id, 'user-001');
		assert.ok(!Number.isNaN(Date.parse(d.User.createdAt)));
	});

	it('returns conv-active-001 without endAt and endedReason keys', async () => {
		const r = await request(sb.baseUrl, 'GET', `${CONV}/conv-active-001`, {
			headers: apiKeyHeaders,
		});
		assert.equal(r.status, 200);
		const d = r.json.data;
		assert.equal(d.state, 'active');
		assert.ok(!('endAt' in d));
		assert.ok(!('endedReason' in d));
		assert.deepEqual(Object.keys(d), ['_id', 'roomId', 'state', 'startAt', 'User', 'Bot']);
		assert.equal(d.User.names, 'Luis Pérez'); // non-ASCII survives (Content-Length in bytes)
	});

	it('returns conv-closed-002 closed by the user on a Web bot', async () => {
		const r = await request(sb.baseUrl, 'GET', `${CONV}/conv-closed-002`, {
			headers: apiKeyHeaders,
		});
		assert.equal(r.status, 200);
		assert.equal(r.json.data.state, 'closed');
		assert.equal(r.json.data.endedReason, 'closed_by_user');
		assert.equal(r.json.data.Bot.type, 'Web');
		assert.ok(Date.parse(r.json.data.endAt) > Date.parse(r.json.data.startAt));
	});

	it('synthesizes gen-<digits> deterministically (even closed, odd active)', async () => {
		const even = await request(sb.baseUrl, 'GET', `${CONV}/gen-1234`, { headers: apiKeyHeaders });
		const again = await request(sb.baseUrl, 'GET', `${CONV}/gen-1234`, { headers: apiKeyHeaders });
		const odd = await request(sb.baseUrl, 'GET', `${CONV}/gen-77`, { headers: apiKeyHeaders });
		assert.equal(even.status, 200);
		assert.equal(even.json.data._id, 'gen-1234');
		assert.equal(even.json.data.state, 'closed');
		assert.ok(
			typeof even.json.data.endAt === 'string' && typeof even.json.data.endedReason === 'string',
		);
		assert.deepEqual(again.json, even.json);
		assert.equal(odd.json.data.state, 'active');
		assert.ok(!('endAt' in odd.json.data));
		const bad = await request(sb.baseUrl, 'GET', `${CONV}/gen-12a`, { headers: apiKeyHeaders });
		assert.equal(bad.status, 404);
	});

	it('treats an encoded slash as part of one id and names it in the 404', async () => {
		const r = await request(sb.baseUrl, 'GET', `${CONV}/a%2Fb`, { headers: apiKeyHeaders });
		assert.equal(r.status, 404);
		assertErrorBody(r.json, { code: 'NOT_FOUND' });
		assert.equal(r.json.error.key, 'conversation_not_found');
		assert.ok(r.json.error.description.includes('"a/b"'), r.json.error.description);
		const spaced = await request(sb.baseUrl, 'GET', `${CONV}/conv%2Dclosed%2D001`, {
			headers: apiKeyHeaders,
		});
		assert.equal(spaced.status, 200);
		assert.equal(spaced.json.data._id, 'conv-closed-001');
	});

	it('answers 400 on a malformed percent-encoding', async () => {
		const r = await request(sb.baseUrl, 'GET', `${CONV}/bad%E0%A4%A`, { headers: apiKeyHeaders });
		assert.equal(r.status, 400);
		assertErrorBody(r.json, { code: 'BAD_REQUEST' });
	});

	it('answers 404 for an unknown conversation and for another project', async () => {
		const r = await request(sb.baseUrl, 'GET', `${CONV}/nope-123`, { headers: apiKeyHeaders });
		assert.equal(r.status, 404);
		assertErrorBody(r.json, { descriptionIncludes: 'not found' });
		assert.ok(r.json.error.description.includes('nope-123'));
		const p = await request(
			sb.baseUrl,
			'GET',
			'/external-support/other-project/conversations/conv-closed-001',
			{ headers: apiKeyHeaders },
		);
		assert.equal(p.status, 404);
		assert.equal(p.json.error.key, 'project_not_found');
	});

	it('serves the special error ids', async () => {
		const e500 = await request(sb.baseUrl, 'GET', `${CONV}/conv-http-500`, {
			headers: apiKeyHeaders,
		});
		assert.equal(e500.status, 500);
		assertErrorBody(e500.json);

		const e502 = await request(sb.baseUrl, 'GET', `${CONV}/conv-html-502`, {
			headers: apiKeyHeaders,
		});
		assert.equal(e502.status, 502);
		assert.match(e502.headers['content-type'], /^text\/html/);
		assert.match(e502.text, /<html>/);
		assert.equal(e502.json, undefined);

		const badJson = await request(sb.baseUrl, 'GET', `${CONV}/conv-bad-json`, {
			headers: apiKeyHeaders,
		});
		assert.equal(badJson.status, 200);
		assert.match(badJson.headers['content-type'], /^application\/json/);
		assert.throws(() => JSON.parse(badJson.text), SyntaxError);

		const noData = await request(sb.baseUrl, 'GET', `${CONV}/conv-no-data`, {
			headers: apiKeyHeaders,
		});
		assert.equal(noData.status, 200);
		assert.equal(noData.json.status, 1);
		assert.ok(!('data' in noData.json));

		const e422 = await request(sb.baseUrl, 'GET', `${CONV}/conv-422`, { headers: apiKeyHeaders });
		assert.equal(e422.status, 422);
		assertErrorBody(e422.json, { code: 'VALIDATION_ERROR' });
		assert.ok(e422.json.error.description.length > 0);
		assert.ok(Object.keys(e422.json.validationError).length > 0);
	});

	it('answers unknown routes with a JSON 404 and wrong methods with 405', async () => {
		const r = await request(sb.url, 'GET', '/no/such/route');
		assert.equal(r.status, 404);
		assertErrorBody(r.json, { code: 'NOT_FOUND' });
		const deep = await request(sb.baseUrl, 'GET', `${CONV}/a/b`, { headers: apiKeyHeaders });
		assert.equal(deep.status, 404);
		assert.equal(deep.json.error.key, 'route_not_found');
		const m = await request(sb.baseUrl, 'DELETE', `${CONV}/conv-closed-001`, {
			headers: apiKeyHeaders,
		});
		assert.equal(m.status, 405);
		assert.equal(m.headers.allow, 'GET');
	});

	it('answers 400 for request bodies that are not JSON', async () => {
		for (const body of ['not json', '{"botId": ', '[1,2]']) {
			const r = await request(sb.baseUrl, 'POST', `${CONV}/start`, {
				headers: apiKeyHeaders,
				body,
			});
			assert.equal(r.status, 400, body);
			assertErrorBody(r.json, { code: 'BAD_REQUEST' });
		}
	});

	it('logs API requests with method, path, headers, body, status and time', async () => {
		sb.reset();
		const before = Date.now();
		await request(sb.baseUrl, 'POST', `${CONV}/start?x=1`, {
			headers: apiKeyHeaders,
			body: { botId: 'b' },
		});
		const after = Date.now();
		await fetch(`${sb.url}/__sandbox/health`);
		assert.equal(sb.requests.length, 1); // control routes are not logged
		const e = sb.requests[0];
		assert.equal(e.method, 'POST');
		assert.equal(e.path, `/jelouapi/v1${CONV}/start?x=1`);
		assert.equal(e.body, '{"botId":"b"}');
		assert.equal(e.status, 422);
		assert.equal(e.headers['content-type'], 'application/json');
		assert.equal(e.headers['x-api-key'], '[redacted]');
		// Stamped while the request was handled.
		assert.ok(e.at >= before && e.at <= after, `${before} <= ${e.at} <= ${after}`);
	});
});

describe('sandbox: custom credentials and request-log cap', () => {
	let sb;
	before(async () => {
		sb = await startSandbox({
			apiKey: 'k2',
			clientId: 'id2',
			clientSecret: 's2',
			projectId: 'p2',
			maxRequestLog: 50,
		});
	});
	after(async () => {
		await sb.close();
	});

	it('uses the configured key, client and project', async () => {
		const ok = await request(
			sb.baseUrl,
			'GET',
			'/external-support/p2/conversations/conv-closed-001',
			{ headers: { 'x-api-key': 'k2' } },
		);
		assert.equal(ok.status, 200);
		const basic = await request(
			sb.baseUrl,
			'GET',
			'/external-support/p2/conversations/conv-closed-001',
			{ headers: basicHeaders('id2', 's2') },
		);
		assert.equal(basic.status, 200);
		const old = await request(
			sb.baseUrl,
			'GET',
			'/external-support/p2/conversations/conv-closed-001',
			{ headers: apiKeyHeaders },
		);
		assert.equal(old.status, 401);
		const proj = await request(sb.baseUrl, 'GET', `${CONV}/conv-closed-001`, {
			headers: { 'x-api-key': 'k2' },
		});
		assert.equal(proj.status, 404);
	});

	it('keeps at most maxRequestLog entries, newest last', async () => {
		for (let i = 0; i < 120; i++) {
			await request(sb.baseUrl, 'GET', `/external-support/p2/conversations/gen-${i}`, {
				headers: { 'x-api-key': 'k2' },
			});
		}
		assert.ok(sb.requests.length <= 50 && sb.requests.length >= 40, String(sb.requests.length));
		assert.equal(sb.requests.at(-1).path, '/jelouapi/v1/external-support/p2/conversations/gen-119');
	});
});
