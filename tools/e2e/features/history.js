'use strict';
// Message → Get Many (the chat history) in one `n8n execute`, against the sandbox's history on its
// API host: every page of a 120-message history, a Limit that stops early, the transcript of
// conv-closed-001 for a CRM note, and under Continue the 401 of an API-key credential and the 404
// of an unknown bot. The Manual Trigger feeds every Get Many node (one item each).

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { nodeItems, nodeRawItems } = require('../../harness/n8n');
const wf = require('../../harness/workflows');

const WF_HISTORY = 'JelouE2eHistory1';
const HISTORY_PATH = '/v1/external/messages/history/';

/** The transcript of the sandbox's conv-closed-001 (Ana Torres, 10:30 to 10:45). */
const CONV_CLOSED_001_TRANSCRIPT = [
	'2026-01-15 10:30:00 UTC Ana Torres: Hola, me cobraron dos veces la factura de enero',
	'2026-01-15 10:30:05 UTC Support Bot: Hola Ana, te comunico con un agente.',
	'2026-01-15 10:31:10 UTC Carla (support): Hola Ana, soy Carla. Ya veo el cobro duplicado.',
	'2026-01-15 10:32:00 UTC Ana Torres: [image] https://storage.example.com/media/receipt-001.jpg Este es el comprobante',
	'2026-01-15 10:40:00 UTC Carla (support): Listo, anulamos el segundo cobro.',
	'2026-01-15 10:44:30 UTC Ana Torres: ¡Gracias!',
].join('\n');

function setup(ctx) {
	const { secrets, sb } = ctx;
	const history = { apiBaseUrl: sb.apiBaseUrl, baseUrl: sb.baseUrl };
	ctx.creds.history = wf.jelouCredential({
		id: 'JelouE2eCredHis1',
		name: 'Jelou e2e (history, Basic)',
		authType: 'basic',
		clientId: secrets.clientId,
		clientSecret: secrets.clientSecret,
		...history,
	});
	ctx.creds.historyKey = wf.jelouCredential({
		id: 'JelouE2eCredHis2',
		name: 'Jelou e2e (history, API key)',
		authType: 'apiKey',
		apiKey: secrets.apiKey,
		...history,
	});
}

/**
 * A Message → Get Many node against the sandbox's bot-001.
 * @param {string} name
 * @param {Record<string, unknown>} parameters
 * @param {{ credential: any, continueOnFail?: boolean, position?: number[] }} opts
 */
function getMany(name, parameters, { credential, continueOnFail = false, position }) {
	return wf.jelouNode({
		name,
		credential,
		continueOnFail,
		position,
		parameters: {
			resource: 'message',
			operation: 'getAll',
			botId: 'bot-001',
			simplify: true,
			options: {},
			...parameters,
		},
	});
}

function workflows(ctx) {
	const basic = { credential: ctx.creds.history };
	const nodes = [
		getMany('All pages', { returnAll: true, filters: { clientId: 'user-bulk' } }, basic),
		getMany('Limit 70', { limit: 70, filters: { clientId: 'user-bulk' } }, basic),
		getMany(
			'Transcript',
			{
				returnAll: true,
				transcript: true,
				filters: {
					clientId: 'user-001',
					startAt: '2026-01-15T10:30:00.000Z',
					endAt: '2026-01-15T10:45:00.000Z',
				},
			},
			basic,
		),
		getMany('API key', {}, { credential: ctx.creds.historyKey, continueOnFail: true }),
		getMany('Unknown bot', { botId: 'bot-unknown' }, { ...basic, continueOnFail: true }),
	];
	nodes.forEach((node, index) => {
		node.position = [260, index * 160];
	});
	const trigger = wf.manualTrigger([0, 0]);
	return [
		wf.workflow({
			id: WF_HISTORY,
			name: 'e2e chat history',
			nodes: [trigger, ...nodes],
			connections: {
				[trigger.name]: {
					main: [nodes.map((node) => ({ node: node.name, type: 'main', index: 0 }))],
				},
			},
		}),
	];
}

/** The history requests of one run, with their query, in the order the sandbox got them. */
function historyRequests(requests, clientId) {
	return requests
		.filter((r) => r.path.startsWith(HISTORY_PATH))
		.map((r) => ({ ...r, query: new URL(r.path, 'http://x').searchParams }))
		.filter((r) => clientId === undefined || r.query.get('clientId') === clientId);
}

function define(ctx) {
	const run = () => {
		ctx.requireSetup();
		// No resetData: the history reads only data no other feature changes (user-bulk, user-001's
		// conversation, an unknown bot), and the Integration tests after this one check the
		// integration the operations run created.
		return ctx.executeShared(WF_HISTORY);
	};

	test('Message → Get Many, Return All: every page of 50 up to totalPages, one item per message, Basic on the API host', async () => {
		const { result, requests } = await run();
		const items = nodeItems(result, 'All pages');
		assert.equal(items.length, 120);
		assert.deepEqual(Object.keys(items[0]).sort(), [
			'direction',
			'mediaUrl',
			'messageId',
			'sender',
			'text',
			'time',
			'type',
		]);
		assert.equal(new Set(items.map((i) => i.messageId)).size, 120, 'no message twice');
		const bulk = historyRequests(requests, 'user-bulk').filter(
			(r) => r.query.get('limit') === '50',
		);
		assert.deepEqual(
			bulk.map((r) => [r.query.get('page'), r.status, r.auth]),
			[
				['1', 200, 'basic'],
				['2', 200, 'basic'],
				['3', 200, 'basic'],
			],
		);
	});

	test('Message → Get Many, Limit 70: two evenly sized pages, exactly 70 items', async () => {
		const { result, requests } = await run();
		assert.equal(nodeItems(result, 'Limit 70').length, 70);
		const limited = historyRequests(requests, 'user-bulk').filter(
			(r) => r.query.get('limit') !== '50',
		);
		assert.deepEqual(
			limited.map((r) => [r.query.get('limit'), r.query.get('page')]),
			[
				['35', '1'],
				['35', '2'],
			],
		);
	});

	test('Message → Get Many with Combine Into Transcript: one item, the conversation oldest first, the image as "[image] url"', async () => {
		const { result, requests } = await run();
		const items = nodeItems(result, 'Transcript');
		assert.equal(items.length, 1);
		assert.equal(items[0].transcript, CONV_CLOSED_001_TRANSCRIPT);
		assert.equal(items[0].messageCount, 6);
		const [sent] = historyRequests(requests, 'user-001');
		assert.equal(sent.query.get('startAt'), '2026-01-15T10:30:00.000Z');
		assert.equal(sent.query.get('endAt'), '2026-01-15T10:45:00.000Z');
	});

	test('Message → Get Many errors under Continue: API key → 401 with the Client ID and Secret hint, unknown bot → 404', async () => {
		const { result } = await run();
		const [keyItem] = nodeRawItems(result, 'API key');
		assert.equal(
			keyItem.json.error,
			'Jelou rejected the credentials for the chat history (HTTP 401)',
		);
		const [botItem] = nodeItems(result, 'Unknown bot');
		assert.equal(botItem.error, "Jelou found no bot 'bot-unknown' for the chat history (HTTP 404)");
		const text = JSON.stringify(result);
		for (const secret of [ctx.secrets.apiKey, ctx.secrets.clientSecret, ctx.basicToken]) {
			assert.ok(!text.includes(secret), 'no secret in the execution data');
		}
	});
}

module.exports = { setup, workflows, define, CONV_CLOSED_001_TRANSCRIPT };
