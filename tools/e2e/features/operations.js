'use strict';
// Every operation in one `n8n execute`: Conversation Start (metadata, assignment), Message Send
// (text, image, and a wrong signing secret), Conversation Close, then Integration Get, Create,
// Get (their test is in integration.js). Ids come from Start's output.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');

const { nodeItems, nodeRawItems } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { PROJECT, ISO_MS, UUID, jsonBody } = require('./setup');

const WF_OPERATIONS = 'JelouE2eOperat01';

// Operations workflow.
const OPS_BOT = 'bot-001';
const OPS_USER = 'user-e2e-ops';
const OPS_TEXT = 'Hola, ya revisamos tu factura: el cobro duplicado fue anulado.';
const OPS_IMAGE = {
	mediaUrl: 'https://example.com/e2e/invoice-T-12345.png',
	mimeType: 'image/png',
	caption: 'Tu factura corregida',
};
const OPS_CLOSING = 'Gracias por escribirnos. ¡Hasta pronto!';
const OPS_WEBHOOK_URL = 'https://support.example.com/jelou/events';

/**
 * Every operation in one run: Start → Send text → Send image → Send with a wrong signing
 * secret (Continue) → Close, then (without an integration) Integration Get (Continue) →
 * Create → Get. Ids come from Start's output.
 */
function operationsWorkflow(ctx) {
	const node = (name, parameters, { credential = ctx.creds.sign, continueOnFail = false } = {}) =>
		wf.jelouNode({
			name,
			credential,
			continueOnFail,
			parameters: { projectId: PROJECT, ...parameters },
		});
	const room = "={{ $('Start').item.json.roomId }}";
	return wf.lineWorkflow({
		id: WF_OPERATIONS,
		name: 'e2e every operation',
		nodes: [
			node('Start', {
				resource: 'conversation',
				operation: 'start',
				botId: OPS_BOT,
				userId: OPS_USER,
				additionalFields: {
					initialMessage: 'Cliente pide revisar un cobro duplicado',
					metadataJson: '{"ticketId": "T-12345", "source": "json", "nested": {"vip": true}}',
					metadataFields: {
						field: [
							{ name: 'source', value: 'fields' },
							{ name: 'priority', value: 'high' },
						],
					},
					assignmentType: 'team',
					assignmentTarget: 'team-billing',
				},
				options: {},
			}),
			node('Send text', {
				resource: 'message',
				operation: 'send',
				roomId: room,
				botId: OPS_BOT,
				userId: OPS_USER,
				messageType: 'text',
				text: OPS_TEXT,
				additionalFields: { messageId: 'e2e-msg-text-001' },
				options: {},
			}),
			node('Send image', {
				resource: 'message',
				operation: 'send',
				roomId: room,
				botId: OPS_BOT,
				userId: OPS_USER,
				messageType: 'image',
				...OPS_IMAGE,
				additionalFields: {},
				options: {},
			}),
			node(
				'Send with a wrong signing secret',
				{
					resource: 'message',
					operation: 'send',
					roomId: room,
					botId: OPS_BOT,
					userId: OPS_USER,
					messageType: 'text',
					text: 'This one must be refused',
					additionalFields: {},
					options: {},
				},
				{ credential: ctx.creds.wrongSign, continueOnFail: true },
			),
			node('Close', {
				resource: 'conversation',
				operation: 'close',
				botId: OPS_BOT,
				userId: OPS_USER,
				additionalFields: { closingMessage: OPS_CLOSING, redirectType: 'text' },
				options: {},
			}),
			wf.sandboxControl({
				name: 'Sandbox: remove the integration',
				method: 'DELETE',
				url: `${ctx.sb.url}/__sandbox/integration`,
			}),
			node(
				'Integration Get (none yet)',
				{ resource: 'integration', operation: 'get', options: {} },
				{ continueOnFail: true },
			),
			node('Integration Create', {
				resource: 'integration',
				operation: 'create',
				webhookUrl: OPS_WEBHOOK_URL,
				webhookAuthType: 'bearer',
				webhookSecret: ctx.secrets.webhookSecret,
				options: {},
			}),
			node('Integration Get', { resource: 'integration', operation: 'get', options: {} }),
		],
	});
}

function workflows(ctx) {
	return [operationsWorkflow(ctx)];
}

function define(ctx) {
	// The seeded integration (signing secret = the credential's) and conversations.
	const operationsRun = () =>
		ctx.executeShared(WF_OPERATIONS, { prepare: () => ctx.sb.resetData() });
	// Integration → Get / Create / Get run in the same workflow (see integration.js).
	ctx.operationsRun = operationsRun;

	test('Conversation → Start with metadata (JSON + fields) and an assignment: the sandbox received exactly that body', async () => {
		ctx.requireSetup();
		const { result, requests } = await operationsRun();
		const starts = requests.filter(
			(r) => r.method === 'POST' && r.path.endsWith('/conversations/start'),
		);
		assert.deepStrictEqual(
			starts.map((r) => `${r.path} ${r.status} ${r.auth}`),
			[`/jelouapi/v1/external-support/${PROJECT}/conversations/start 200 api_key`],
		);
		assert.deepStrictEqual(jsonBody(starts[0]), {
			botId: OPS_BOT,
			userId: OPS_USER,
			initialMessage: 'Cliente pide revisar un cobro duplicado',
			// Metadata Fields win over Metadata (JSON) on equal names.
			metadata: { ticketId: 'T-12345', source: 'fields', nested: { vip: true }, priority: 'high' },
			assignment: { type: 'team', target: 'team-billing' },
		});
		const [started] = nodeItems(result, 'Start');
		assert.match(started._id, /^conv-[0-9a-f]{16}$/);
		assert.equal(started.state, 'active');
		assert.equal(started.Bot.id, OPS_BOT);
		assert.equal(started.User.id, OPS_USER);
		assert.match(started.roomId, /^room-[0-9a-f]{16}$/);
	});

	test("Message → Send (text, image) signed with the credential's signing secret: the sandbox checked the signature and accepted both; no API key went there; a wrong secret gets 401", async () => {
		ctx.requireSetup();
		const { result, requests, seen: recs, sentMessages } = await operationsRun();
		const [started] = nodeItems(result, 'Start');
		const [text] = nodeItems(result, 'Send text');
		const [image] = nodeItems(result, 'Send image');
		assert.deepStrictEqual(text, {
			success: true,
			messageId: 'e2e-msg-text-001',
			roomId: started.roomId,
			botId: OPS_BOT,
			userId: OPS_USER,
			type: 'text',
			response: { id: 'e2e-msg-text-001' },
		});
		assert.match(image.messageId, UUID, 'a generated message id');
		assert.deepStrictEqual(image, {
			success: true,
			messageId: image.messageId,
			roomId: started.roomId,
			botId: OPS_BOT,
			userId: OPS_USER,
			type: 'image',
			response: { id: image.messageId },
		});
		// What the sandbox accepted (GET /__sandbox/messages after the run): only messages whose
		// signature matched the integration's secret.
		assert.deepStrictEqual(
			sentMessages.map(({ at, ...m }) => m),
			[
				{
					project_id: PROJECT,
					room_id: started.roomId,
					bot_id: OPS_BOT,
					user_id: OPS_USER,
					value: { id: 'e2e-msg-text-001', type: 'text', content: { body: OPS_TEXT } },
				},
				{
					project_id: PROJECT,
					room_id: started.roomId,
					bot_id: OPS_BOT,
					user_id: OPS_USER,
					value: {
						id: image.messageId,
						type: 'image',
						content: {
							url: OPS_IMAGE.mediaUrl,
							mime_type: OPS_IMAGE.mimeType,
							caption: OPS_IMAGE.caption,
						},
					},
				},
			],
		);
		// The messaging route: signed with the integration's secret, never the API key.
		const sends = requests.filter((r) => r.path === '/v1/external-support/webhook');
		assert.deepStrictEqual(
			sends.map((r) => r.status),
			[200, 200, 401],
		);
		const rawSends = recs.filter((r) => r.path === '/v1/external-support/webhook');
		assert.equal(rawSends.length, 3);
		for (const [i, r] of rawSends.entries()) {
			assert.equal(r.headers['x-api-key'], undefined, `send ${i}: no x-api-key header`);
			assert.equal(r.headers.authorization, undefined, `send ${i}: no Authorization header`);
			assert.ok(
				!JSON.stringify(r.headers).includes(ctx.secrets.apiKey),
				`send ${i}: the API key is in no header`,
			);
			assert.ok(
				!sends[i].body.includes(ctx.secrets.apiKey) &&
					!sends[i].body.includes(ctx.secrets.signingSecret),
				`send ${i}: no secret in the body`,
			);
			const secret = i < 2 ? ctx.secrets.signingSecret : ctx.secrets.wrongSigningSecret;
			const expected = `sha256=${crypto.createHmac('sha256', secret).update(sends[i].body).digest('hex')}`;
			assert.equal(
				r.headers['x-jelou-signature'],
				expected,
				`send ${i}: X-Jelou-Signature is the HMAC of the exact body`,
			);
		}
		const refused = nodeRawItems(result, 'Send with a wrong signing secret');
		assert.deepStrictEqual(
			refused.map((it) => it.json),
			[{ error: 'Jelou rejected the message signature (HTTP 401)' }],
		);
	});

	test('Conversation → Close with a closing message: the sandbox got redirectPayload and closed the conversation Start opened', async () => {
		ctx.requireSetup();
		const { result, requests } = await operationsRun();
		const [started] = nodeItems(result, 'Start');
		const closes = requests.filter(
			(r) => r.method === 'POST' && r.path.endsWith('/conversations/close'),
		);
		assert.deepStrictEqual(
			closes.map((r) => `${r.status} ${r.auth}`),
			['200 api_key'],
		);
		assert.deepStrictEqual(jsonBody(closes[0]), {
			botId: OPS_BOT,
			userId: OPS_USER,
			redirectPayload: { type: 'text', text: OPS_CLOSING },
		});
		const [closed] = nodeItems(result, 'Close');
		assert.equal(closed.success, true);
		assert.equal(closed.botId, OPS_BOT);
		assert.equal(closed.userId, OPS_USER);
		assert.equal(closed._id, started._id, 'the conversation Start opened');
		assert.equal(closed.state, 'closed');
		assert.equal(closed.endedReason, 'closed_by_operator');
		assert.match(closed.endAt, ISO_MS);
	});
}

module.exports = { workflows, define, OPS_WEBHOOK_URL, OPS_BOT };
