'use strict';

// Integration create/get, start/close conversation, send message (signature), webhook emission.

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startSandbox } = require('../server.js');
const {
	apiKeyHeaders,
	basicHeaders,
	request,
	sign,
	startReceiver,
	PROJECT,
	CONVERSATION_KEYS,
} = require('./helpers.js');

const INTEGRATION = `/external-support/${PROJECT}`;
const CONV = `${INTEGRATION}/conversations`;

function recomputeSignature(secret, rawBody) {
	return `sha256=${crypto.createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

describe('sandbox: integration', () => {
	let sb;
	let receiver;
	before(async () => {
		sb = await startSandbox();
		receiver = await startReceiver();
	});
	after(async () => {
		await sb.close();
		await receiver.close();
	});

	it('answers 404 before an integration exists (also for another project)', async () => {
		const r = await request(sb.baseUrl, 'GET', INTEGRATION, { headers: apiKeyHeaders });
		assert.equal(r.status, 404);
		assert.equal(r.json.error.key, 'integration_not_found');
		const other = await request(sb.baseUrl, 'GET', '/external-support/not-mine', {
			headers: apiKeyHeaders,
		});
		assert.equal(other.status, 404);
		assert.ok(other.json.error.description.includes('not-mine'));
	});

	it('validates the create body (422 with validationError per field)', async () => {
		const cases = [
			[{}, ['authType', 'authorization', 'webhookUrl']],
			[
				{ webhookUrl: 'http://example.com/hook', authType: 'bearer', authorization: 't' },
				['webhookUrl'],
			],
			[{ webhookUrl: 'ftp://example.com/hook', authType: 'no_auth' }, ['webhookUrl']],
			[{ webhookUrl: 'not a url', authType: 'no_auth' }, ['webhookUrl']],
			[
				{ webhookUrl: 'https://example.com/hook', authType: 'oauth', authorization: 't' },
				['authType'],
			],
			[{ webhookUrl: 'https://example.com/hook', authType: 'bearer' }, ['authorization']],
			[
				{ webhookUrl: 'https://example.com/hook', authType: 'basic', authorization: '' },
				['authorization'],
			],
		];
		for (const [body, fields] of cases) {
			const r = await request(sb.baseUrl, 'POST', INTEGRATION, { headers: apiKeyHeaders, body });
			assert.equal(r.status, 422, JSON.stringify(body));
			assert.equal(r.json.status, 0);
			assert.deepEqual(Object.keys(r.json.validationError).sort(), fields, JSON.stringify(body));
		}
		const none = await request(sb.baseUrl, 'GET', INTEGRATION, { headers: apiKeyHeaders });
		assert.equal(none.status, 404);
	});

	it('creates an integration: signingSecret only in the create answer', async () => {
		const created = await request(sb.baseUrl, 'POST', INTEGRATION, {
			headers: basicHeaders(),
			body: {
				webhookUrl: 'https://hooks.example.com/jelou',
				authType: 'bearer',
				authorization: 'tok-1',
			},
		});
		assert.equal(created.status, 201);
		const d = created.json.data;
		assert.deepEqual(Object.keys(d).sort(), [
			'authType',
			'brainId',
			'createdAt',
			'signingSecret',
			'updatedAt',
			'webhookUrl',
		]);
		assert.match(d.signingSecret, /^[0-9a-f]{64}$/);
		assert.equal(d.webhookUrl, 'https://hooks.example.com/jelou');
		assert.equal(d.authType, 'bearer');
		assert.ok(!created.text.includes('tok-1'));

		const got = await request(sb.baseUrl, 'GET', INTEGRATION, { headers: apiKeyHeaders });
		assert.equal(got.status, 200);
		assert.deepEqual(got.json.message, ['Integration retrieved successfully']);
		assert.deepEqual(Object.keys(got.json.data).sort(), [
			'authType',
			'brainId',
			'createdAt',
			'updatedAt',
			'webhookUrl',
		]);
		assert.ok(!got.text.includes(d.signingSecret));
		assert.equal(got.json.data.brainId, d.brainId);

		// Creating again replaces it with a new secret.
		const again = await request(sb.baseUrl, 'POST', INTEGRATION, {
			headers: apiKeyHeaders,
			body: { webhookUrl: receiver.url, authType: 'no_auth' },
		});
		assert.ok(again.status === 200 || again.status === 201);
		assert.match(again.json.data.signingSecret, /^[0-9a-f]{64}$/);
		assert.notEqual(again.json.data.signingSecret, d.signingSecret);
		assert.equal(again.json.data.webhookUrl, receiver.url);
		assert.equal(sb.integration.signingSecret, again.json.data.signingSecret);
	});

	it('accepts http://localhost webhooks and refuses creating for another project', async () => {
		const ok = await request(sb.baseUrl, 'POST', INTEGRATION, {
			headers: apiKeyHeaders,
			body: {
				webhookUrl: 'http://localhost:5678/webhook/abc',
				authType: 'api_key',
				authorization: 'k',
			},
		});
		assert.equal(ok.status, 200);
		const other = await request(sb.baseUrl, 'POST', '/external-support/x-project', {
			headers: apiKeyHeaders,
			body: { webhookUrl: 'https://a.example', authType: 'no_auth' },
		});
		assert.equal(other.status, 404);
	});
});

describe('sandbox: start and close conversation', () => {
	let sb;
	before(async () => {
		sb = await startSandbox();
	});
	after(async () => {
		await sb.close();
	});

	it('validates start (422 naming each field)', async () => {
		const cases = [
			[{}, ['botId', 'userId']],
			[{ botId: 'b1' }, ['userId']],
			[{ botId: '', userId: 'u' }, ['botId']],
			[{ botId: 'b', userId: 'u', metadata: 'x' }, ['metadata']],
			[{ botId: 'b', userId: 'u', metadata: [1] }, ['metadata']],
			[{ botId: 'b', userId: 'u', initialMessage: 5 }, ['initialMessage']],
			[
				{ botId: 'b', userId: 'u', assignment: { type: 'robot', target: 'x' } },
				['assignment.type'],
			],
			[{ botId: 'b', userId: 'u', assignment: { type: 'queue' } }, ['assignment.target']],
			[{ botId: 'b', userId: 'u', assignment: 'queue' }, ['assignment']],
		];
		for (const [body, fields] of cases) {
			const r = await request(sb.baseUrl, 'POST', `${CONV}/start`, {
				headers: apiKeyHeaders,
				body,
			});
			assert.equal(r.status, 422, JSON.stringify(body));
			assert.deepEqual(Object.keys(r.json.validationError).sort(), fields, JSON.stringify(body));
			assert.equal(r.json.error.code, 'VALIDATION_ERROR');
		}
	});

	it('answers 404 for bot-missing', async () => {
		const r = await request(sb.baseUrl, 'POST', `${CONV}/start`, {
			headers: apiKeyHeaders,
			body: { botId: 'bot-missing', userId: 'u1' },
		});
		assert.equal(r.status, 404);
		assert.equal(r.json.error.key, 'bot_not_found');
	});

	it('starts, reads back and closes a conversation', async () => {
		const before = Date.now();
		const started = await request(sb.baseUrl, 'POST', `${CONV}/start`, {
			headers: apiKeyHeaders,
			body: {
				botId: 'bot-x',
				userId: 'user-x',
				initialMessage: 'hello',
				metadata: { ticketId: 'T-1' },
				assignment: { type: 'queue', target: 'vip' },
			},
		});
		assert.equal(started.status, 200);
		const c = started.json.data;
		assert.equal(c.state, 'active');
		assert.equal(c.User.id, 'user-x');
		assert.equal(c.Bot.id, 'bot-x');
		assert.ok(typeof c._id === 'string' && c._id.length > 0);
		assert.ok(typeof c.roomId === 'string' && c.roomId.length > 0);
		assert.ok(Date.parse(c.startAt) >= before - 1000);
		assert.ok(!('endAt' in c));

		const read = await request(sb.baseUrl, 'GET', `${CONV}/${encodeURIComponent(c._id)}`, {
			headers: apiKeyHeaders,
		});
		assert.equal(read.status, 200);
		assert.deepEqual(read.json.data, c);

		const second = await request(sb.baseUrl, 'POST', `${CONV}/start`, {
			headers: apiKeyHeaders,
			body: { botId: 'bot-x', userId: 'user-x' },
		});
		const c2 = second.json.data;
		assert.notEqual(c2._id, c._id);

		// Close takes the newest active conversation of that bot + user.
		const closed = await request(sb.baseUrl, 'POST', `${CONV}/close`, {
			headers: apiKeyHeaders,
			body: { botId: 'bot-x', userId: 'user-x', redirectPayload: { type: 'text', text: 'Bye' } },
		});
		assert.equal(closed.status, 200);
		assert.equal(closed.json.data._id, c2._id);
		assert.equal(closed.json.data.state, 'closed');
		assert.equal(closed.json.data.endedReason, 'closed_by_operator');
		assert.deepEqual(Object.keys(closed.json.data), CONVERSATION_KEYS);

		const closed1 = await request(sb.baseUrl, 'POST', `${CONV}/close`, {
			headers: apiKeyHeaders,
			body: { botId: 'bot-x', userId: 'user-x' },
		});
		assert.equal(closed1.status, 200);
		assert.equal(closed1.json.data._id, c._id);

		const none = await request(sb.baseUrl, 'POST', `${CONV}/close`, {
			headers: apiKeyHeaders,
			body: { botId: 'bot-x', userId: 'user-x' },
		});
		assert.equal(none.status, 404);
		assert.match(none.json.error.description, /bot or user not found/i);

		const reread = await request(sb.baseUrl, 'GET', `${CONV}/${c._id}`, { headers: apiKeyHeaders });
		assert.equal(reread.json.data.state, 'closed');
	});

	it('validates close (422) including redirectPayload', async () => {
		const cases = [
			[{}, ['botId', 'userId']],
			[{ botId: 'b', userId: 'u', redirectPayload: { type: 'sms' } }, ['redirectPayload.type']],
			[{ botId: 'b', userId: 'u', redirectPayload: { type: 'text' } }, ['redirectPayload.text']],
			[{ botId: 'b', userId: 'u', redirectPayload: 'x' }, ['redirectPayload']],
		];
		for (const [body, fields] of cases) {
			const r = await request(sb.baseUrl, 'POST', `${CONV}/close`, {
				headers: apiKeyHeaders,
				body,
			});
			assert.equal(r.status, 422, JSON.stringify(body));
			assert.deepEqual(Object.keys(r.json.validationError).sort(), fields);
		}
	});

	it('closes the seeded active conversation; resetData restores it', async () => {
		const r = await request(sb.baseUrl, 'POST', `${CONV}/close`, {
			headers: apiKeyHeaders,
			body: {
				botId: 'bot-001',
				userId: 'user-002',
				redirectPayload: { type: 'edge', text: 'edge-1' },
			},
		});
		assert.equal(r.status, 200);
		assert.equal(r.json.data._id, 'conv-active-001');
		sb.reset(); // keeps data
		const still = await request(sb.baseUrl, 'GET', `${CONV}/conv-active-001`, {
			headers: apiKeyHeaders,
		});
		assert.equal(still.json.data.state, 'closed');
		sb.resetData();
		const back = await request(sb.baseUrl, 'GET', `${CONV}/conv-active-001`, {
			headers: apiKeyHeaders,
		});
		assert.equal(back.json.data.state, 'active');
	});
});

describe('sandbox: send message (messaging host, X-Jelou-Signature)', () => {
	let sb;
	const secret = 'test-signing-secret';
	const path = '/external-support/webhook';
	const message = (value) => ({
		field: 'messages',
		object: 'message_event',
		event_type: 'incoming_message',
		project_id: PROJECT,
		room_id: 'room-active-001',
		bot_id: 'bot-001',
		user_id: 'user-002',
		value: value || { id: 'm-1', type: 'text', content: { body: 'Hello' } },
	});
	before(async () => {
		sb = await startSandbox({
			integration: {
				webhookUrl: 'https://hooks.example.com/x',
				authType: 'no_auth',
				signingSecret: secret,
			},
		});
	});
	after(async () => {
		await sb.close();
	});

	it('accepts a correctly signed message (raw bytes are what is signed)', async () => {
		const raw = JSON.stringify(message(), null, 2); // pretty-printed: only the raw-body signature matches
		const r = await request(sb.messagingBaseUrl, 'POST', path, {
			headers: { 'x-jelou-signature': sign(secret, raw) },
			body: raw,
		});
		assert.equal(r.status, 200);
		assert.deepEqual(r.json, {
			message: ['Message sent'],
			statusMessage: 'success',
			status: 1,
			data: { id: 'm-1' },
		});
		assert.equal(sb.sentMessages.at(-1).value.content.body, 'Hello');
	});

	it('refuses missing, malformed and wrong signatures with 401 (no Basic/x-api-key needed or used)', async () => {
		const raw = JSON.stringify(message());
		const attempts = [
			{ ...apiKeyHeaders },
			{ 'x-jelou-signature': sign('wrong-secret', raw) },
			{ 'x-jelou-signature': sign(secret, `${raw} `) },
			{ 'x-jelou-signature': sign(secret, raw).slice(0, -2) },
			{ 'x-jelou-signature': sign(secret, raw).replace('sha256=', 'sha1=') },
			{ 'x-jelou-signature': 'garbage' },
		];
		for (const headers of attempts) {
			const r = await request(sb.messagingBaseUrl, 'POST', path, { headers, body: raw });
			assert.equal(r.status, 401, JSON.stringify(headers));
			assert.equal(r.json.status, 0);
			assert.equal(r.json.error.code, 'UNAUTHORIZED');
		}
	});

	it('answers 404 when the project has no integration', async () => {
		const raw = JSON.stringify({ ...message(), project_id: 'other' });
		const r = await request(sb.messagingBaseUrl, 'POST', path, {
			headers: { 'x-jelou-signature': sign(secret, raw) },
			body: raw,
		});
		assert.equal(r.status, 404);
	});

	it('validates types and content (422)', async () => {
		/** @type {Array<[Record<string, any>, string]>} */
		const cases = [
			[{ id: 'm', type: 'sticker', content: {} }, 'value.type'],
			[{ id: 'm', type: 'text', content: {} }, 'value.content.body'],
			[
				{
					id: 'm',
					type: 'image',
					content: { url: 'http://x.example/a.png', mime_type: 'image/png' },
				},
				'value.content.url',
			],
			[
				{ id: 'm', type: 'document', content: { url: 'https://x.example/a.pdf' } },
				'value.content.mime_type',
			],
			[{ type: 'text', content: { body: 'x' } }, 'value.id'],
		];
		for (const [value, field] of cases) {
			const raw = JSON.stringify(message(value));
			const r = await request(sb.messagingBaseUrl, 'POST', path, {
				headers: { 'x-jelou-signature': sign(secret, raw) },
				body: raw,
			});
			assert.equal(r.status, 422, JSON.stringify(value));
			assert.ok(field in r.json.validationError, JSON.stringify(r.json.validationError));
		}
		const wrongEvent = JSON.stringify({ ...message(), event_type: 'message' });
		const r = await request(sb.messagingBaseUrl, 'POST', path, {
			headers: { 'x-jelou-signature': sign(secret, wrongEvent) },
			body: wrongEvent,
		});
		assert.equal(r.status, 422);
		for (const value of [
			{
				id: 'i',
				type: 'image',
				content: { url: 'https://x.example/a.png', mime_type: 'image/png', caption: 'c' },
			},
			{
				id: 'v',
				type: 'video',
				content: { url: 'https://x.example/a.mp4', mime_type: 'video/mp4' },
			},
			{
				id: 'a',
				type: 'audio',
				content: { url: 'https://x.example/a.ogg', mime_type: 'audio/ogg' },
			},
			{
				id: 'd',
				type: 'document',
				content: {
					url: 'https://x.example/a.pdf',
					mime_type: 'application/pdf',
					filename: 'a.pdf',
				},
			},
		]) {
			const raw = JSON.stringify(message(value));
			const ok = await request(sb.messagingBaseUrl, 'POST', path, {
				headers: { 'x-jelou-signature': sign(secret, raw) },
				body: raw,
			});
			assert.equal(ok.status, 200, JSON.stringify(value));
			assert.equal(ok.json.data.id, value.id);
		}
	});

	it('answers 400 for a non-JSON body with a signature', async () => {
		const r = await request(sb.messagingBaseUrl, 'POST', path, {
			headers: { 'x-jelou-signature': sign(secret, 'nope') },
			body: 'nope',
		});
		assert.equal(r.status, 400);
	});
});

describe('sandbox: webhook emission', () => {
	let sb;
	let receiver;
	before(async () => {
		receiver = await startReceiver();
		sb = await startSandbox();
	});
	after(async () => {
		await sb.close();
		await receiver.close();
	});
	beforeEach(() => {
		receiver.received.length = 0;
		receiver.status = 200;
	});

	async function createIntegration(authType, authorization) {
		const r = await request(sb.baseUrl, 'POST', INTEGRATION, {
			headers: apiKeyHeaders,
			body: { webhookUrl: receiver.url, authType, authorization },
		});
		assert.ok(r.status === 200 || r.status === 201);
		return r.json.data.signingSecret;
	}

	it('sends conversation.start and conversation.close, signed, with a Bearer header', async () => {
		const secret = await createIntegration('bearer', 'tok-abc');
		const before = Date.now();
		const s = await request(sb.baseUrl, 'POST', `${CONV}/start`, {
			headers: apiKeyHeaders,
			body: { botId: 'bot-001', userId: 'u-wh' },
		});
		assert.equal(s.status, 200);
		const [startReq] = await receiver.waitFor(1);
		const after = Date.now();
		assert.equal(startReq.method, 'POST');
		assert.equal(startReq.url, '/hook');
		assert.match(startReq.headers['content-type'], /^application\/json/);
		assert.equal(startReq.headers['x-jelou-signature'], recomputeSignature(secret, startReq.body));
		assert.equal(startReq.headers.authorization, 'Bearer tok-abc');
		const p = JSON.parse(startReq.body);
		assert.deepEqual(Object.keys(p), [
			'event',
			'timestamp',
			'project_id',
			'room_id',
			'conversation',
			'contact',
			'bot',
		]);
		assert.equal(p.event, 'conversation.start');
		// Stamped between the request and its delivery.
		assert.ok(
			p.timestamp >= before && p.timestamp <= after,
			`${before} <= ${p.timestamp} <= ${after}`,
		);
		assert.equal(p.project_id, PROJECT);
		assert.equal(p.room_id, s.json.data.roomId);
		assert.deepEqual(p.conversation, { id: s.json.data._id });
		assert.deepEqual(p.contact, { id: 'u-wh', name: s.json.data.User.names });
		assert.deepEqual(p.bot, { id: 'bot-001', name: 'Support Bot' });

		const c = await request(sb.baseUrl, 'POST', `${CONV}/close`, {
			headers: apiKeyHeaders,
			body: {
				botId: 'bot-001',
				userId: 'u-wh',
				redirectPayload: { type: 'text', text: 'Thanks, bye' },
			},
		});
		assert.equal(c.status, 200);
		const received = await receiver.waitFor(2);
		const closeReq = received[1];
		assert.equal(closeReq.headers['x-jelou-signature'], recomputeSignature(secret, closeReq.body));
		const q = JSON.parse(closeReq.body);
		assert.equal(q.event, 'conversation.close');
		assert.equal(q.reason, 'closed_by_operator');
		assert.deepEqual(q.message, { type: 'text', text: 'Thanks, bye' });
		assert.deepEqual(q.conversation, { id: s.json.data._id });
		assert.equal(typeof q.timestamp, 'number');

		// Deliveries are logged (auth header redacted) once the receiver has answered.
		const deadline = Date.now() + 30000; // only against a hang: local deliveries take milliseconds
		while (sb.webhookDeliveries.length < 2 && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 10));
		const log = sb.webhookDeliveries.filter((d) => d.source === 'api');
		assert.equal(log.length, 2);
		assert.equal(log[0].status, 200);
		assert.equal(log[0].event, 'conversation.start');
		assert.equal(log[0].requestHeaders.authorization, 'Bearer [redacted]');
		const viaHttp = /** @type {any} */ (await (await fetch(`${sb.url}/__sandbox/webhooks`)).json());
		assert.equal(viaHttp.length, 2);
	});

	it('uses X-API-Key, Basic (base64 of user:pass or as given) and no auth per authType', async () => {
		/** @type {Array<[string, string | undefined, (headers: Record<string, any>) => void]>} */
		const expectations = [
			['api_key', 'key-123', (h) => assert.equal(h['x-api-key'], 'key-123')],
			[
				'basic',
				'user:pass',
				(h) =>
					assert.equal(h.authorization, `Basic ${Buffer.from('user:pass').toString('base64')}`),
			],
			['basic', 'dXNlcjpwYXNz', (h) => assert.equal(h.authorization, 'Basic dXNlcjpwYXNz')],
			[
				'no_auth',
				undefined,
				(h) => {
					assert.equal(h.authorization, undefined);
					assert.equal(h['x-api-key'], undefined);
				},
			],
		];
		for (const [authType, authorization, check] of expectations) {
			receiver.received.length = 0;
			const secret = await createIntegration(authType, authorization);
			const out = /** @type {any} */ (
				await (
					await fetch(`${sb.url}/__sandbox/emit`, {
						method: 'POST',
						body: JSON.stringify({ event: 'conversation.start' }),
					})
				).json()
			);
			assert.equal(out.status, 200);
			const [req] = await receiver.waitFor(1);
			check(req.headers);
			assert.equal(req.headers['x-jelou-signature'], recomputeSignature(secret, req.body));
		}
	});

	it('emits a user message event with the documented shape and returns the receiver answer', async () => {
		const secret = await createIntegration('bearer', 'tok');
		receiver.status = 202;
		const res = await fetch(`${sb.url}/__sandbox/emit`, {
			method: 'POST',
			body: JSON.stringify({
				event: 'message',
				conversationId: 'conv-active-001',
				text: 'Necesito ayuda',
			}),
		});
		assert.equal(res.status, 200);
		const out = /** @type {any} */ (await res.json());
		assert.equal(out.status, 202);
		assert.equal(out.body, '{"ok":true}');
		const [req] = await receiver.waitFor(1);
		assert.deepEqual(JSON.parse(req.body), out.sentPayload);
		assert.equal(req.headers['x-jelou-signature'], recomputeSignature(secret, req.body));
		const p = out.sentPayload;
		assert.deepEqual(Object.keys(p), [
			'field',
			'object',
			'event_type',
			'timestamp',
			'project_id',
			'room_id',
			'contact',
			'conversation',
			'bot',
			'value',
		]);
		assert.equal(p.field, 'messages');
		assert.equal(p.object, 'message_event');
		assert.equal(p.event_type, 'message');
		assert.equal(p.room_id, 'room-active-001');
		assert.deepEqual(p.contact, { id: 'user-002', name: 'Luis Pérez' });
		assert.deepEqual(p.conversation, { id: 'conv-active-001' });
		assert.deepEqual(p.bot, { id: 'bot-001', name: 'Support Bot' });
		assert.equal(p.value.type, 'text');
		assert.deepEqual(p.value.content, { body: 'Necesito ayuda' });
		assert.ok(p.value.id);
	});

	it('emit overrides: forged signingSecret, old timestamp, other webhookUrl', async () => {
		const secret = await createIntegration('no_auth');
		const other = await startReceiver();
		try {
			const out = await sb.emit({
				event: 'conversation.close',
				signingSecret: 'forged',
				timestamp: 1000,
				webhookUrl: other.url,
			});
			assert.equal(out.status, 200);
			const [req] = await other.waitFor(1);
			assert.equal(receiver.received.length, 0);
			assert.equal(req.headers['x-jelou-signature'], recomputeSignature('forged', req.body));
			assert.notEqual(req.headers['x-jelou-signature'], recomputeSignature(secret, req.body));
			const p = JSON.parse(req.body);
			assert.equal(p.timestamp, 1000);
			assert.equal(p.event, 'conversation.close');
			assert.equal(p.reason, 'closed_by_operator');
		} finally {
			await other.close();
		}
	});

	it('does not fail the API call when the webhook fails, and logs the failure', async () => {
		const dead = await startReceiver();
		const deadUrl = dead.url;
		await dead.close();
		await request(sb.baseUrl, 'POST', INTEGRATION, {
			headers: apiKeyHeaders,
			body: { webhookUrl: deadUrl, authType: 'no_auth' },
		});
		const s = await request(sb.baseUrl, 'POST', `${CONV}/start`, {
			headers: apiKeyHeaders,
			body: { botId: 'b', userId: 'dead-u' },
		});
		assert.equal(s.status, 200);
		const deadline = Date.now() + 30000; // only against a hang: local deliveries take milliseconds
		while (!sb.webhookDeliveries.some((d) => d.url === deadUrl) && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 20));
		const rec = sb.webhookDeliveries.find((d) => d.url === deadUrl);
		assert.ok(rec, 'delivery logged');
		assert.equal(rec.status, null);
		assert.equal(rec.ok, false);
		assert.ok(rec.error);
	});

	it('never sends webhooks off this machine', async () => {
		await request(sb.baseUrl, 'POST', INTEGRATION, {
			headers: apiKeyHeaders,
			body: { webhookUrl: 'https://hooks.example.com/jelou', authType: 'no_auth' },
		});
		const out = await sb.emit({ event: 'message' });
		assert.equal(out.status, null);
		assert.match(out.error, /loopback/);
	});

	it('emit errors: unknown event 400, unknown conversation 404, no integration 409', async () => {
		const bad = await fetch(`${sb.url}/__sandbox/emit`, {
			method: 'POST',
			body: JSON.stringify({ event: 'nope' }),
		});
		assert.equal(bad.status, 400);
		const missing = await fetch(`${sb.url}/__sandbox/emit`, {
			method: 'POST',
			body: JSON.stringify({ conversationId: 'zzz' }),
		});
		assert.equal(missing.status, 404);
		sb.clearIntegration();
		const none = await fetch(`${sb.url}/__sandbox/emit`, {
			method: 'POST',
			body: JSON.stringify({ event: 'message' }),
		});
		assert.equal(none.status, 409);
	});
});
