'use strict';

// The chat history on the API host: paging, filters, Basic only, the documented 401 and 404, and
// history built from the conversations and the sent messages.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSandbox } = require('../server.js');
const { apiKeyHeaders, basicHeaders, request, sign, PROJECT } = require('./helpers.js');

const HISTORY = '/external/messages/history';

describe('sandbox: chat history', () => {
	let sb;
	/**
	 * @param {string} path
	 * @param {Record<string, string>} [headers]
	 */
	const get = (path, headers = basicHeaders()) =>
		request(sb.apiBaseUrl, 'GET', `${HISTORY}${path}`, { headers });
	before(async () => {
		sb = await startSandbox({
			port: 0,
			quiet: true,
			integration: { webhookUrl: 'http://127.0.0.1:9/x' },
		});
	});
	after(async () => {
		await sb.close();
	});

	it('lives on the API base URL and answers the documented shape, newest first, 10 by default', async () => {
		assert.equal(sb.apiBaseUrl, `${sb.url}/v1`);
		const r = await get('/bot-001');
		assert.equal(r.status, 200);
		assert.deepEqual(Object.keys(r.json).sort(), ['_metadata', 'pagination', 'results']);
		assert.equal(r.json.pagination.limit, 10);
		assert.equal(r.json.pagination.page, 1);
		assert.equal(r.json.results.length, 10);
		const times = r.json.results.map((m) => Date.parse(m.createdAt));
		assert.deepEqual(
			[...times].sort((a, b) => b - a),
			times,
		);
		assert.deepEqual(Object.keys(r.json.results[0]).sort(), [
			'bubble',
			'by',
			'createdAt',
			'messageId',
			'recipient',
			'sender',
			'status',
		]);
	});

	it('pages with limit and page, up to totalPages; refuses a limit over 50', async () => {
		const first = await get('/bot-001?clientId=user-bulk&limit=50&page=1');
		assert.deepEqual(first.json.pagination, {
			limit: 50,
			page: 1,
			total: 120,
			offset: 0,
			totalPages: 3,
		});
		const last = await get('/bot-001?clientId=user-bulk&limit=50&page=3');
		assert.equal(last.json.results.length, 20);
		assert.equal(last.json.results[19].bubble.text, 'Bulk message 1');
		const beyond = await get('/bot-001?clientId=user-bulk&limit=50&page=4');
		assert.deepEqual(beyond.json.results, []);
		assert.equal((await get('/bot-001?limit=51')).status, 400);
		assert.equal((await get('/bot-001?page=0')).status, 400);
		assert.equal((await get('/bot-001?startAt=yesterday')).status, 400);
	});

	it('filters by end user, time span and the conversation of a message', async () => {
		const span = '&startAt=2026-01-15T10:30:00.000Z&endAt=2026-01-15T10:45:00.000Z';
		const ana = await get(`/bot-001?clientId=user-001&limit=50${span}`);
		assert.equal(ana.json.pagination.total, 6);
		const image = ana.json.results.find((m) => m.bubble.type === 'IMAGE');
		assert.equal(image.bubble.mediaUrl, 'https://storage.example.com/media/receipt-001.jpg');
		// Ana's messages and the answers to her (bot and operator), nobody else's.
		assert.ok(
			ana.json.results.every(
				(m) => [m.recipient.id, m.sender.id].includes('user-001') || m.by === 'operator',
			),
		);
		const early = await get('/bot-001?clientId=user-001&endAt=2026-01-15T10:30:00.000Z');
		assert.equal(early.json.pagination.total, 1);
		const byMessage = await get(`/bot-001?messageId=${image.messageId}&limit=50`);
		assert.equal(byMessage.json.pagination.total, 6);
		const none = await get('/bot-001?messageId=nope');
		assert.equal(none.json.pagination.total, 0);
		assert.equal(none.json.pagination.totalPages, 0);
	});

	it('includes the messages sent to end users through Send message', async () => {
		const body = JSON.stringify({
			field: 'messages',
			object: 'message_event',
			event_type: 'incoming_message',
			project_id: PROJECT,
			room_id: 'room-x',
			bot_id: 'bot-001',
			user_id: 'user-sent',
			value: { id: 'sent-msg-1', type: 'text', content: { body: 'Hola desde el panel' } },
		});
		const sent = await request(sb.messagingBaseUrl, 'POST', '/external-support/webhook', {
			headers: { 'x-jelou-signature': sign(sb.integration.signingSecret, body) },
			body,
		});
		assert.equal(sent.status, 200);
		const r = await get('/bot-001?clientId=user-sent');
		assert.deepEqual(
			r.json.results.map((m) => [m.messageId, m.by, m.bubble.text]),
			[['sent-msg-1', 'operator', 'Hola desde el panel']],
		);
	});

	it('takes only Basic: an API key or nothing is the documented 401', async () => {
		for (const headers of [apiKeyHeaders, {}, basicHeaders('sandbox-client', 'wrong')]) {
			const r = await get('/bot-001', headers);
			assert.equal(r.status, 401);
			assert.deepEqual(r.json, { message: 'Authentication failed' });
		}
	});

	it('answers the documented 404 BOT_NOT_FOUND for an unknown bot', async () => {
		const r = await get('/bot-unknown');
		assert.equal(r.status, 404);
		assert.equal(r.json.error.key, 'BOT_NOT_FOUND');
		assert.equal(r.json.error.code, 'E1019');
		assert.deepEqual(r.json.message, ['The Bot could not be found at the moment.']);
	});
});
