'use strict';
// Conversation → Get in real n8n: raw and simplified items, each credential scheme sending only
// its own header, IF branching on `state`, a 404 under On Error: Continue, and the example
// workflow of `npm start`.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { nodeItems, nodeRawItems } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { PROJECT } = require('./setup');

const CLOSED = 'conv-closed-001';
const ACTIVE = 'conv-active-001';
const CLOSED_2 = 'conv-closed-002';
const MISSING = 'conv-missing-404';

// What Jelou (the sandbox) holds for the seeded conversations; the node must
// hand these through unchanged (raw) or flatten them (simplify).
const EXPECTED_RAW = {
	[CLOSED]: {
		_id: 'conv-closed-001',
		roomId: 'room-closed-001',
		state: 'closed',
		startAt: '2026-01-15T10:30:00.000Z',
		endAt: '2026-01-15T10:45:00.000Z',
		endedReason: 'closed_by_operator',
		User: {
			id: 'user-001',
			names: 'Ana Torres',
			referenceId: 'ext-user-001',
			createdAt: '2025-01-28T20:54:25.572Z',
		},
		Bot: { id: 'bot-001', name: 'Support Bot', type: 'Whatsapp' },
	},
	[ACTIVE]: {
		_id: 'conv-active-001',
		roomId: 'room-active-001',
		state: 'active',
		startAt: '2026-01-16T08:00:00.000Z',
		User: {
			id: 'user-002',
			names: 'Luis Pérez',
			referenceId: 'ext-user-002',
			createdAt: '2025-02-03T09:12:44.100Z',
		},
		Bot: { id: 'bot-001', name: 'Support Bot', type: 'Whatsapp' },
	},
};

const EXPECTED_SIMPLE = {
	[CLOSED]: {
		conversationId: 'conv-closed-001',
		roomId: 'room-closed-001',
		state: 'closed',
		startAt: '2026-01-15T10:30:00.000Z',
		endAt: '2026-01-15T10:45:00.000Z',
		endedReason: 'closed_by_operator',
		durationSeconds: 900,
		userId: 'user-001',
		userName: 'Ana Torres',
		userReferenceId: 'ext-user-001',
		botId: 'bot-001',
		botName: 'Support Bot',
		channel: 'Whatsapp',
	},
	[ACTIVE]: {
		conversationId: 'conv-active-001',
		roomId: 'room-active-001',
		state: 'active',
		startAt: '2026-01-16T08:00:00.000Z',
		endAt: null,
		endedReason: null,
		durationSeconds: null,
		userId: 'user-002',
		userName: 'Luis Pérez',
		userReferenceId: 'ext-user-002',
		botId: 'bot-001',
		botName: 'Support Bot',
		channel: 'Whatsapp',
	},
};

const WF = {
	rawApiKey: 'JelouE2eRawKey01',
	simpleBasic: 'JelouE2eSimple01',
	branch: 'JelouE2eBranch01',
	continue: 'JelouE2eContin01',
};

function workflows(ctx) {
	const { key: credKey, basic: credBasic } = ctx.creds;
	return [
		wf.getWorkflow({
			id: WF.rawApiKey,
			name: 'e2e raw (API key)',
			ids: [CLOSED, ACTIVE],
			credential: credKey,
		}),
		wf.getWorkflow({
			id: WF.simpleBasic,
			name: 'e2e simplify (Basic)',
			ids: [CLOSED, ACTIVE],
			credential: credBasic,
			simplify: true,
		}),
		wf.branchWorkflow({
			id: WF.branch,
			name: 'e2e branch on state',
			ids: [CLOSED, ACTIVE, CLOSED_2, 'gen-7', 'gen-10'],
			credential: credKey,
		}),
		wf.getWorkflow({
			id: WF.continue,
			name: 'e2e 404 under continue',
			ids: [CLOSED, MISSING, ACTIVE],
			credential: credBasic,
			continueOnFail: true,
		}),
		wf.loadExampleWorkflow(),
	];
}

function define(ctx) {
	test('API key credential: raw conversations, closed and active, exactly as Jelou sends them; only x-api-key is sent', async () => {
		ctx.requireSetup();
		const { result, requests, seen: hdrs } = await ctx.execute(WF.rawApiKey);
		const items = nodeItems(result, 'Jelou');
		assert.deepStrictEqual(items, [EXPECTED_RAW[CLOSED], EXPECTED_RAW[ACTIVE]]);
		assert.ok(
			!('endAt' in items[1]) && !('endedReason' in items[1]),
			'an active conversation has no endAt/endedReason',
		);
		assert.deepStrictEqual(
			requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`).sort(),
			[
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${ACTIVE} 200 api_key`,
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${CLOSED} 200 api_key`,
			],
		);
		assert.equal(hdrs.length, 2);
		for (const h of hdrs) {
			assert.equal(h.headers['x-api-key'], ctx.secrets.apiKey, 'x-api-key header');
			assert.equal(
				h.headers.authorization,
				undefined,
				'no Authorization header with the API key scheme',
			);
		}
	});

	test('Basic credential + Simplify: flat records, closed and active; only Authorization: Basic is sent', async () => {
		ctx.requireSetup();
		const { result, requests, seen: hdrs } = await ctx.execute(WF.simpleBasic);
		assert.deepStrictEqual(nodeItems(result, 'Jelou'), [
			EXPECTED_SIMPLE[CLOSED],
			EXPECTED_SIMPLE[ACTIVE],
		]);
		assert.deepStrictEqual(
			requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`).sort(),
			[
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${ACTIVE} 200 basic`,
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${CLOSED} 200 basic`,
			],
		);
		assert.equal(hdrs.length, 2);
		for (const h of hdrs) {
			assert.equal(h.headers.authorization, `Basic ${ctx.basicToken}`, 'Authorization header');
			assert.equal(h.headers['x-api-key'], undefined, 'no x-api-key header with the Basic scheme');
		}
	});

	test('Manual Trigger → Code (5 ids) → Jelou → IF state = closed: closed and active conversations take different branches', async () => {
		ctx.requireSetup();
		const { result } = await ctx.execute(WF.branch);
		const fetched = nodeItems(result, 'Jelou');
		assert.deepStrictEqual(
			fetched.map((c) => `${c._id}:${c.state}`),
			[
				`${CLOSED}:closed`,
				`${ACTIVE}:active`,
				`${CLOSED_2}:closed`,
				'gen-7:active',
				'gen-10:closed',
			],
		);
		assert.deepStrictEqual(
			nodeItems(result, 'Is closed?', 0).map((c) => c._id),
			[CLOSED, CLOSED_2, 'gen-10'],
		);
		assert.deepStrictEqual(
			nodeItems(result, 'Is closed?', 1).map((c) => c._id),
			[ACTIVE, 'gen-7'],
		);
		assert.deepStrictEqual(
			nodeItems(result, 'Closed').map((c) => c._id),
			[CLOSED, CLOSED_2, 'gen-10'],
		);
		assert.deepStrictEqual(
			nodeItems(result, 'Active').map((c) => c._id),
			[ACTIVE, 'gen-7'],
		);
		assert.ok(
			nodeItems(result, 'Closed').every(
				(c) => c.state === 'closed' && typeof c.endedReason === 'string',
			),
		);
		assert.ok(nodeItems(result, 'Active').every((c) => c.state === 'active' && !('endAt' in c)));
	});

	test('On Error: Continue: a 404 item becomes { error } in place, next to the good items', async () => {
		ctx.requireSetup();
		const { result, requests } = await ctx.execute(WF.continue);
		const raw = nodeRawItems(result, 'Jelou');
		const items = raw.map((i) => i.json);
		assert.equal(items.length, 3, 'one output item per input item');
		assert.deepStrictEqual(items[0], EXPECTED_RAW[CLOSED]);
		assert.deepStrictEqual(items[2], EXPECTED_RAW[ACTIVE]);
		assert.deepStrictEqual(
			Object.keys(items[1]),
			['error'],
			'the failed item is exactly { error }',
		);
		assert.equal(typeof items[1].error, 'string');
		assert.match(items[1].error, new RegExp(MISSING), 'the error names the conversation id');
		assert.match(items[1].error, /not found|404/i);
		assert.deepStrictEqual(
			raw.map((i) => i.pairedItem && i.pairedItem.item),
			[0, 1, 2],
			'items stay paired with their inputs, in order',
		);
		// The node may send requests concurrently: compare without order.
		assert.deepStrictEqual(requests.map((r) => `${r.path.split('/').pop()} ${r.status}`).sort(), [
			`${ACTIVE} 200`,
			`${CLOSED} 200`,
			`${MISSING} 404`,
		]);
	});

	test('the example workflow of `npm start` (tools/e2e/fixtures/example-workflow.json) runs as documented', async () => {
		ctx.requireSetup();
		const example = wf.loadExampleWorkflow();
		const { result } = await ctx.execute(example.id);
		assert.deepStrictEqual(nodeItems(result, 'Closed'), [EXPECTED_RAW[CLOSED]]);
		assert.deepStrictEqual(nodeItems(result, 'Active'), [EXPECTED_RAW[ACTIVE]]);
	});
}

module.exports = { workflows, define, EXPECTED_RAW, EXPECTED_SIMPLE };
