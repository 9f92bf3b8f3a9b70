'use strict';
// examples/ai-support-agent.json against the sandbox and the local model server
// (tools/model-server), with the OpenAI credential a user creates pointing at it. The sandbox
// sends two signed messages of an end user: the first asks for a person (the agent answers and
// hands over: the If posts the agent's summary to the team's URL), the second says goodbye (the
// agent answers and closes the conversation).

const crypto = require('node:crypto');
const assert = require('node:assert/strict');

const { httpRequest, nodeItems } = require('../../harness/n8n');
const { createCredential } = require('../../harness/examples');
const ai = require('../../harness/ai-workflows');
const { startModelServer } = require('../../model-server/server');
const { jsonBody } = require('../features/setup');
const { EXPECTED_RAW } = require('../features/conversation');
const { modelServerText } = require('../features/secrets');

const TEAM = 'https://hooks.example.com/team-support-channel';
const CONV = EXPECTED_RAW['conv-active-001'];
const ASK = 'Quiero hablar con una persona sobre el cobro duplicado.';
const BYE = 'Listo, ya está resuelto. ¡Gracias!';
const HANDOVER_REPLY = 'Una persona de nuestro equipo te atenderá en breve.';
const HANDOVER_NEED = 'Luis wants a person to refund a duplicate charge.';
const THANKS_REPLY = '¡De nada, Luis! Que tengas un buen día.';
const GOODBYE = '¡Hasta pronto!';

// The two conversations the model server plays, in turn, under the example's model name.
const HANDOVER = [
	{ call: { name: 'Get_Conversation', arguments: {} } },
	{ call: { name: 'Send_Message', arguments: { text: HANDOVER_REPLY } } },
	{ text: `Luis is waiting for a person. [HANDOVER] ${HANDOVER_NEED}` },
];
const CLOSING = [
	{ call: { name: 'Get_Conversation', arguments: {} } },
	{ call: { name: 'Send_Message', arguments: { text: THANKS_REPLY } } },
	{ call: { name: 'Close_Conversation', arguments: { closingMessage: GOODBYE } } },
	{ text: 'Luis was done; the conversation is now {{state}}.' },
];

/** The model the example's OpenAI Chat Model names: the scripts answer under that name. */
const modelOf = (workflow) =>
	workflow.nodes.find((n) => n.type === ai.CHAT_MODEL_TYPE).parameters.model.value;

/** Which Jelou call a sandbox request was. */
const kindOf = (r) =>
	r.path.endsWith('/webhook')
		? 'send'
		: r.path.endsWith('/close')
			? 'close'
			: r.path.endsWith(`/conversations/${CONV._id}`)
				? 'get'
				: r.path;

module.exports = {
	title:
		'a message asking for a person gets an answer (Send) and one hand-over notice to the team; a goodbye gets an answer and closes the conversation; the model saw the three tools and no secret',

	async prepare(ctx, rest) {
		const apiKey = `sk-e2e-${crypto.randomBytes(8).toString('hex')}`;
		const model = await startModelServer({ apiKey });
		const { name, type, data } = ai.openAiCredential({
			id: 'unused',
			name: 'Local model server (examples)',
			apiKey,
			url: model.baseUrl,
		});
		const credential = await createCredential(rest, { name, type, data });
		return {
			credentials: { [ai.CHAT_MODEL_TYPE]: credential },
			model,
			close: () => model.close(),
			received: () => ({ 'the model server': modelServerText(model.requests) }),
		};
	},

	async check(run) {
		const { ctx, capture, example } = run;
		const { model } = run.prepared;
		const name = modelOf(example.workflow);
		ctx.sb.reset();
		const from = model.requests.length;

		model.setScript(name, HANDOVER);
		const handover = (await run.deliver({ event: 'message', conversationId: CONV._id, text: ASK }))
			.execution;
		model.setScript(name, CLOSING);
		const closing = (await run.deliver({ event: 'message', conversationId: CONV._id, text: BYE }))
			.execution;
		assert.equal((await run.executions()).length, 2, 'one execution per message');

		// What the model got: the user's message as the prompt, the example's three tools with
		// their descriptions, and no parameter but the texts (the ids come from the trigger).
		const reqs = ai.requestsFor(model.requests.slice(from), name);
		assert.equal(reqs.length, 3 + 4, 'three model calls, then four');
		assert.ok(reqs[0].request.messages.some((m) => m.role === 'user' && m.content === ASK));
		assert.ok(reqs[3].request.messages.some((m) => m.role === 'user' && m.content === BYE));
		const described = Object.fromEntries(
			example.workflow.nodes
				.filter((n) => n.type === ai.JELOU_TOOL_TYPE)
				.map((n) => [ai.toolName(n.name), n.parameters.toolDescription]),
		);
		const { tools } = reqs[0].request;
		assert.deepStrictEqual(
			Object.fromEntries(tools.map((t) => [t.name, t.description])),
			described,
		);
		const params = Object.fromEntries(
			tools.map((t) => [
				t.name,
				Object.entries(t.parameters.properties || {}).map(([p, s]) => `${p}: ${s.type}`),
			]),
		);
		assert.deepStrictEqual(params, {
			Get_Conversation: [],
			Send_Message: ['text: string'],
			Close_Conversation: ['closingMessage: string'],
		});
		const getResult = JSON.parse(reqs[1].request.toolResults[0].output);
		assert.equal(getResult[0].conversationId, CONV._id);
		assert.equal(getResult[0].state, 'active');

		// What Jelou got: the conversation read twice, two signed messages to the user's room,
		// one close of the user's conversation with the bot.
		assert.deepStrictEqual(
			ctx.sb.requests.map((r) => `${kindOf(r)} ${r.status}`),
			['get 200', 'send 200', 'get 200', 'send 200', 'close 200'],
		);
		// The examples' credential is Client ID and Secret (see features/examples.js).
		assert.ok(ctx.sb.requests.every((r) => r.auth === null || r.auth === 'basic'));
		const sent = (await httpRequest('GET', `${ctx.sb.url}/__sandbox/messages`)).json;
		assert.deepStrictEqual(
			sent.map((m) => [m.room_id, m.bot_id, m.user_id, m.value.content.body]),
			[
				[CONV.roomId, CONV.Bot.id, CONV.User.id, HANDOVER_REPLY],
				[CONV.roomId, CONV.Bot.id, CONV.User.id, THANKS_REPLY],
			],
		);
		assert.deepStrictEqual(jsonBody(ctx.sb.requests.find((r) => kindOf(r) === 'close')), {
			botId: CONV.Bot.id,
			userId: CONV.User.id,
			redirectPayload: { type: 'text', text: GOODBYE },
		});

		// The hand-over branch ran once, with the agent's summary; the goodbye took the other.
		const output = (exec) => nodeItems(exec, 'AI Support Agent')[0].output;
		assert.equal(output(handover), `Luis is waiting for a person. [HANDOVER] ${HANDOVER_NEED}`);
		assert.equal(output(closing), 'Luis was done; the conversation is now closed.');
		assert.equal(nodeItems(closing, 'Notify Support Team'), undefined);
		assert.equal(capture.requests.length, 1, 'one request reached the far end');
		const notice = capture.to(TEAM);
		assert.equal(notice.length, 1, "it went to the team's URL");
		assert.equal(notice[0].method, 'POST');
		assert.deepStrictEqual(notice[0].json, {
			text: `A Jelou user needs a person: ${HANDOVER_NEED} (user ${CONV.User.names}, conversation ${CONV._id}, room ${CONV.roomId})`,
		});
	},
};
