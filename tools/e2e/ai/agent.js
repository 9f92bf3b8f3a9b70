'use strict';
// The Jelou tool in n8n's AI Agent, against the local model server, in one `n8n execute`: four
// agents in a line share the Jelou tools (Get conversation, Send message, Close conversation).
// Each agent's chat model names its own script: get a conversation and answer from its state and
// end reason, reply to the end user, close the conversation (Responses API), and the same Get
// with "Use Responses API" off (Chat Completions).

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');

const { nodeItems } = require('../../harness/n8n');
const ai = require('../../harness/ai-workflows');
const { PROJECT, UUID, jsonBody } = require('../features/setup');
const { EXPECTED_RAW, EXPECTED_SIMPLE } = require('../features/conversation');
const { addScripts } = require('./setup');

const WF_AGENT = 'JelouE2eAiAgent1';
const CLOSED = 'conv-closed-001';
const ACTIVE = EXPECTED_RAW['conv-active-001'];
const BOT = ACTIVE.Bot.id;
const REPLY = 'Hola Luis, ya revisamos tu caso: el cobro duplicado fue anulado.';
const CLOSING = 'Gracias por escribirnos, Luis. ¡Hasta pronto!';

// Version 2 of the tool (what the editor puts in): Conversation → Get answers the Simplified
// output, ten keys of the flat record, which is what the model reads.
const TOOL_VERSION = 2;
const SIMPLIFIED_KEYS = [
	'conversationId',
	'state',
	'endedReason',
	'roomId',
	'botId',
	'userId',
	'userName',
	'channel',
	'startAt',
	'endAt',
];
const SIMPLIFIED_CLOSED = Object.fromEntries(
	SIMPLIFIED_KEYS.map((k) => [k, EXPECTED_SIMPLE[CLOSED][k]]),
);

const TOOLS = {
	get: 'Get conversation',
	send: 'Send message',
	close: 'Close conversation',
};
const SEND_DESCRIPTION =
	'Send a text message to the end user of a Jelou conversation (WhatsApp or web chat).';
const CLOSE_DESCRIPTION =
	'Close the Jelou conversation of an end user with a bot, with a closing message.';

const fromAi = (key, description) => `={{ $fromAI('${key}', '${description}', 'string') }}`;
const FROM_AI = {
	conversationId: 'The id of the Jelou conversation to look up',
	roomId: 'The room of the conversation to answer in',
	userId: 'The id of the end user',
	text: 'The message to send to the end user',
	closingMessage: 'The last message the end user gets',
};

/** The Jelou tool's Conversation → Get, with the conversation id filled by the model. */
const GET_PARAMETERS = {
	resource: 'conversation',
	operation: 'get',
	projectId: PROJECT,
	conversationId: fromAi('conversationId', FROM_AI.conversationId),
	options: {},
};

// What the model received as each tool's parameters (JSON schema from $fromAI).
const schemaOf = (...keys) => ({
	properties: Object.fromEntries(keys.map((k) => [k, { type: 'string', description: FROM_AI[k] }])),
	required: keys,
});

const MODELS = {
	get: 'jelou-get-state',
	reply: 'jelou-reply',
	close: 'jelou-close',
	completions: 'jelou-get-state-completions',
};
const GET_STEPS = [
	{ call: { name: ai.toolName(TOOLS.get), arguments: { conversationId: CLOSED } } },
	{ text: 'Conversation {{conversationId}} is {{state}}; it ended as {{endedReason}}.' },
];
addScripts({
	[MODELS.get]: GET_STEPS,
	[MODELS.completions]: GET_STEPS,
	[MODELS.reply]: [
		{
			call: {
				name: ai.toolName(TOOLS.send),
				arguments: { roomId: ACTIVE.roomId, userId: ACTIVE.User.id, text: REPLY },
			},
		},
		{ text: 'Sent message {{messageId}} to {{userId}}.' },
	],
	[MODELS.close]: [
		{
			call: {
				name: ai.toolName(TOOLS.close),
				arguments: { userId: ACTIVE.User.id, closingMessage: CLOSING },
			},
		},
		{ text: 'Closed {{_id}}: now {{state}}.' },
	],
});

function workflows(ctx) {
	const credential = ctx.creds.sign;
	const tools = [
		ai.jelouTool({
			name: TOOLS.get,
			credential,
			typeVersion: TOOL_VERSION,
			parameters: GET_PARAMETERS,
		}),
		ai.jelouTool({
			name: TOOLS.send,
			credential,
			typeVersion: TOOL_VERSION,
			description: SEND_DESCRIPTION,
			parameters: {
				resource: 'message',
				operation: 'send',
				projectId: PROJECT,
				roomId: fromAi('roomId', FROM_AI.roomId),
				botId: BOT,
				userId: fromAi('userId', FROM_AI.userId),
				messageType: 'text',
				text: fromAi('text', FROM_AI.text),
				additionalFields: {},
				options: {},
			},
		}),
		ai.jelouTool({
			name: TOOLS.close,
			credential,
			typeVersion: TOOL_VERSION,
			description: CLOSE_DESCRIPTION,
			parameters: {
				resource: 'conversation',
				operation: 'close',
				projectId: PROJECT,
				botId: BOT,
				userId: fromAi('userId', FROM_AI.userId),
				additionalFields: {
					closingMessage: fromAi('closingMessage', FROM_AI.closingMessage),
					redirectType: 'text',
				},
				options: {},
			},
		}),
	];
	const step = (key, prompt, responsesApi = true) => ({
		agent: ai.agent({ name: `Agent: ${key}`, line: ctx.rt.line, prompt }),
		model: ai.chatModel({
			name: `Model: ${key}`,
			credential: ctx.creds.openAi,
			model: MODELS[key],
			responsesApi,
		}),
		tools,
	});
	return [
		ai.agentWorkflow({
			id: WF_AGENT,
			name: 'e2e AI Agent with Jelou tools',
			steps: [
				step('get', `Is conversation ${CLOSED} still open? Why did it end?`),
				step('reply', `Tell the user of room ${ACTIVE.roomId} that the duplicate charge is gone.`),
				step('close', `The user ${ACTIVE.User.id} is done: close the conversation.`),
				step('completions', `Is conversation ${CLOSED} still open?`, false),
			],
		}),
	];
}

/** The two requests of one agent's run: the tool call, then the final text. */
function agentRequests(modelRequests, model) {
	const reqs = ai.requestsFor(modelRequests, model);
	assert.deepStrictEqual(
		reqs.map((r) => [r.status, r.request.toolResults.length, r.answer && r.answer.kind]),
		[
			[200, 0, 'calls'],
			[200, 1, 'text'],
		],
		`${model}: one tool call, then the final text`,
	);
	return reqs;
}

/** The tool result the model received, parsed, and the items of the Jelou node in it. */
function toolResult(req) {
	const { output } = req.request.toolResults[0];
	assert.equal(typeof output, 'string');
	const parsed = JSON.parse(output);
	assert.ok(Array.isArray(parsed), `a list of items: ${output.slice(0, 300)}`);
	return { output, items: parsed };
}

function define(ctx) {
	const run = () => ctx.executeAiShared(WF_AGENT, { prepare: () => ctx.sb.resetData() });

	test('AI Agent: the model received the Jelou tools with their names, descriptions and the $fromAI schemas', async () => {
		ctx.requireSetup();
		const { modelRequests } = await run();
		const [first] = agentRequests(modelRequests, MODELS.get);
		assert.equal(first.api, 'responses');
		const tools = Object.fromEntries(first.request.tools.map((t) => [t.name, t]));
		assert.deepStrictEqual(Object.keys(tools).sort(), Object.values(TOOLS).map(ai.toolName).sort());
		assert.equal(tools.Get_conversation.description, 'Get a conversation in Jelou');
		assert.equal(tools.Send_message.description, SEND_DESCRIPTION);
		assert.equal(tools.Close_conversation.description, CLOSE_DESCRIPTION);
		const expected = {
			Get_conversation: schemaOf('conversationId'),
			Send_message: schemaOf('roomId', 'userId', 'text'),
			Close_conversation: schemaOf('userId', 'closingMessage'),
		};
		for (const [name, schema] of Object.entries(expected)) {
			const got = tools[name].parameters;
			assert.equal(got.type, 'object', name);
			assert.deepStrictEqual(got.properties, schema.properties, `${name}: properties`);
			assert.deepStrictEqual([...got.required].sort(), [...schema.required].sort(), name);
		}
		// The prompt reached the model as the user's message; the credential's key as the bearer.
		assert.ok(
			first.request.messages.some(
				(m) => m.role === 'user' && m.content.includes(`Is conversation ${CLOSED} still open?`),
			),
		);
		assert.equal(first.headers.authorization, `Bearer ${ctx.secrets.openAiKey}`);
	});

	test('AI Agent → Get conversation (Responses API): Jelou got one GET with the API key, the model the conversation, the agent answers from state and endedReason', async () => {
		ctx.requireSetup();
		const { result, requests, seen, modelRequests } = await run();
		const [first, second] = agentRequests(modelRequests, MODELS.get);
		const gets = requests.filter((r) => r.path.endsWith(`/conversations/${CLOSED}`));
		assert.deepStrictEqual(
			gets.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`),
			[
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${CLOSED} 200 api_key`,
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${CLOSED} 200 api_key`,
			],
			'one GET per agent that asked (Responses, then Chat Completions)',
		);
		for (const h of seen.filter((r) => r.path.endsWith(`/conversations/${CLOSED}`)))
			assert.equal(h.headers['x-api-key'], ctx.secrets.apiKey);
		// The node's output item, JSON-encoded: the Simplified record, in its key order.
		const { items } = toolResult(second);
		assert.deepStrictEqual(items, [SIMPLIFIED_CLOSED]);
		assert.deepStrictEqual(Object.keys(items[0]), SIMPLIFIED_KEYS);
		assert.equal(second.request.toolResults[0].callId, first.answer.calls[0].callId);
		const [out] = nodeItems(result, 'Agent: get');
		assert.equal(out.output, `Conversation ${CLOSED} is closed; it ended as closed_by_operator.`);
	});

	test('AI Agent → Send message: the sandbox accepted the signed message the model wrote; the model got the send result', async () => {
		ctx.requireSetup();
		const { result, requests, seen, sentMessages, modelRequests } = await run();
		const [, second] = agentRequests(modelRequests, MODELS.reply);
		const sends = requests.filter((r) => r.path === '/v1/external-support/webhook');
		assert.deepStrictEqual(
			sends.map((r) => r.status),
			[200],
		);
		const body = jsonBody(sends[0]);
		assert.match(body.value.id, UUID);
		// What the sandbox accepted after checking the signature (its view of the message).
		assert.deepStrictEqual(
			sentMessages.map(({ at, ...m }) => m),
			[
				{
					project_id: PROJECT,
					room_id: ACTIVE.roomId,
					bot_id: BOT,
					user_id: ACTIVE.User.id,
					value: { id: body.value.id, type: 'text', content: { body: REPLY } },
				},
			],
		);
		const raw = seen.find((r) => r.path === '/v1/external-support/webhook');
		const signature = crypto
			.createHmac('sha256', ctx.secrets.signingSecret)
			.update(sends[0].body)
			.digest('hex');
		assert.equal(raw.headers['x-jelou-signature'], `sha256=${signature}`);
		assert.equal(raw.headers['x-api-key'], undefined);
		const { items } = toolResult(second);
		assert.equal(items[0].success, true);
		assert.equal(items[0].messageId, body.value.id);
		const [out] = nodeItems(result, 'Agent: reply');
		assert.equal(out.output, `Sent message ${body.value.id} to ${ACTIVE.User.id}.`);
	});

	test('AI Agent → Close conversation: the sandbox closed the user’s conversation with the model’s closing message', async () => {
		ctx.requireSetup();
		const { result, requests, modelRequests } = await run();
		const [, second] = agentRequests(modelRequests, MODELS.close);
		const closes = requests.filter((r) => r.path.endsWith('/conversations/close'));
		assert.deepStrictEqual(
			closes.map((r) => `${r.status} ${r.auth}`),
			['200 api_key'],
		);
		assert.deepStrictEqual(jsonBody(closes[0]), {
			botId: BOT,
			userId: ACTIVE.User.id,
			redirectPayload: { type: 'text', text: CLOSING },
		});
		const { items } = toolResult(second);
		assert.equal(items[0]._id, ACTIVE._id);
		assert.equal(items[0].state, 'closed');
		const [out] = nodeItems(result, 'Agent: close');
		assert.equal(out.output, `Closed ${ACTIVE._id}: now closed.`);
	});

	test('AI Agent with "Use Responses API" off: the same Get over Chat Completions', async () => {
		ctx.requireSetup();
		const { result, modelRequests } = await run();
		const [first, second] = agentRequests(modelRequests, MODELS.completions);
		assert.equal(first.api, 'completions');
		assert.equal(first.path, '/v1/chat/completions');
		assert.deepStrictEqual(
			first.request.tools.map((t) => t.name).sort(),
			Object.values(TOOLS).map(ai.toolName).sort(),
		);
		assert.deepStrictEqual(toolResult(second).items, [SIMPLIFIED_CLOSED]);
		const [out] = nodeItems(result, 'Agent: completions');
		assert.equal(out.output, `Conversation ${CLOSED} is closed; it ended as closed_by_operator.`);
		// Every model request of the run went to one of the two routes, each at least once.
		assert.deepStrictEqual([...new Set(modelRequests.map((r) => r.path))].sort(), [
			'/v1/chat/completions',
			'/v1/responses',
		]);
	});
}

module.exports = {
	workflows,
	define,
	MODELS,
	GET_STEPS,
	GET_PARAMETERS,
	SIMPLIFIED_CLOSED,
	fromAi,
	FROM_AI,
};
