'use strict';
// examples/ai-support-agent.json, imported the way a user would (examples/README.md: pick the Jelou
// and OpenAI credentials, replace the team's URL; n8n's editor gives the trigger its webhook id on
// import) and run in `n8n start` against the sandbox and the model server: the sandbox sends two
// signed messages of an end user to the Jelou Trigger's production URL. The first asks for a
// person (the agent answers and hands over: the If notifies the team); the second says goodbye (the
// agent answers and closes the conversation).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');

const { REPO_ROOT } = require('../../harness/runtime');
const { httpRequest, nodeItems, sleep } = require('../../harness/n8n');
const { onCleanup } = require('../../harness/procs');
const wf = require('../../harness/workflows');
const { startReceiver } = require('../../sandbox/test/helpers');
const { PROJECT, waitFor, jsonBody } = require('../features/setup');
const { EXPECTED_RAW } = require('../features/conversation');
const { requestsFor } = require('./setup');

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'ai-support-agent.json');
const WF_EXAMPLE = 'JelouE2eAiExampl';
const CONV = EXPECTED_RAW['conv-active-001'];
const ASK = 'Quiero hablar con una persona sobre el cobro duplicado.';
const BYE = 'Listo, ya está resuelto. ¡Gracias!';
const HANDOVER_REPLY = 'Una persona de nuestro equipo te atenderá en breve.';
const HANDOVER_NEED = 'Luis wants a person to refund a duplicate charge.';
const THANKS_REPLY = '¡De nada, Luis! Que tengas un buen día.';
const GOODBYE = '¡Hasta pronto!';

const example = () => JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
/** The model the example's OpenAI Chat Model names: the scripts answer under that name. */
const exampleModel = () =>
	example().nodes.find((n) => n.type.endsWith('.lmChatOpenAi')).parameters.model.value;

// Two conversations with the example's agent, in turn under the example's model name.
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

async function setup(ctx) {
	ctx.teamChannel = await startReceiver();
	onCleanup(() => ctx.teamChannel.close());
}

/** The example as a user has it after following examples/README.md. */
function workflows(ctx) {
	const flow = { ...example(), id: WF_EXAMPLE, active: false, pinData: {}, tags: [] };
	ctx.exampleWebhookId = wf.webhookUuid(`example-${ctx.rt.line}`);
	for (const node of flow.nodes) {
		if (node.type.startsWith('n8n-nodes-jelou.'))
			node.credentials = { jelouApi: { id: ctx.creds.sign.id, name: ctx.creds.sign.name } };
		if (node.type.endsWith('.lmChatOpenAi'))
			node.credentials = { openAiApi: { id: ctx.creds.openAi.id, name: ctx.creds.openAi.name } };
		if (node.type === 'n8n-nodes-jelou.jelouTrigger') node.webhookId = ctx.exampleWebhookId;
		if (node.name === 'Notify Support Team') node.parameters.url = ctx.teamChannel.url;
	}
	return [flow];
}

function define(ctx) {
	test(
		'examples/ai-support-agent.json: a message asking for a person gets an answer and a hand-over to the team; a goodbye gets an answer and closes the conversation',
		{ timeout: 5 * 60_000 },
		async () => {
			ctx.requireSetup();
			const { server, rest } = await ctx.serverSession();
			await rest.activateWorkflow(WF_EXAMPLE);
			const hookUrl = `${server.url}/webhook/${ctx.exampleWebhookId}/jelou`;
			await waitFor(`the example's webhook ${hookUrl}`, async () => {
				const r = await httpRequest('POST', hookUrl, { body: {} });
				return r.status === 404 ? undefined : r;
			});
			ctx.sb.reset();
			ctx.sb.resetData();
			ctx.sb.setIntegration({
				webhookUrl: hookUrl,
				authType: 'no_auth',
				signingSecret: ctx.secrets.signingSecret,
			});
			const from = ctx.model.requests.length;
			const model = exampleModel();

			/** One message from the end user, then the execution it started, finished. */
			const converse = async (text, count) => {
				const sent = await ctx.sb.emit({ event: 'message', conversationId: CONV._id, text });
				assert.equal(sent.status, 200, `the trigger took the message: ${sent.body}`);
				const list = await waitFor(`execution ${count} of the example`, async () => {
					const l = await rest.executions(WF_EXAMPLE);
					return l.length === count && l.every((e) => !['running', 'new'].includes(e.status))
						? l
						: undefined;
				});
				assert.equal(list[0].status, 'success', `execution ${count}: ${list[0].status}`);
				return rest.execution(list[0].id);
			};

			ctx.model.setScript(model, HANDOVER);
			const handover = await converse(ASK, 1);
			ctx.model.setScript(model, CLOSING);
			const closing = await converse(BYE, 2);
			await sleep(300); // nothing else may start

			// What the model got: the user's message as the prompt, the three tools of the example
			// with their descriptions, ids from the trigger (no parameter but the texts).
			const reqs = requestsFor(ctx.model.requests.slice(from), model);
			assert.equal(reqs.length, 3 + 4, 'three model calls, then four');
			assert.ok(reqs[0].request.messages.some((m) => m.role === 'user' && m.content === ASK));
			assert.ok(reqs[3].request.messages.some((m) => m.role === 'user' && m.content === BYE));
			const described = Object.fromEntries(
				example()
					.nodes.filter((n) => n.type === 'n8n-nodes-jelou.jelouTool')
					.map((n) => [n.name.replace(/ /g, '_'), n.parameters.toolDescription]),
			);
			const tools = reqs[0].request.tools;
			assert.deepStrictEqual(
				Object.fromEntries(tools.map((t) => [t.name, t.description])),
				described,
			);
			const params = Object.fromEntries(
				tools.map((t) => [t.name, Object.keys(t.parameters.properties || {})]),
			);
			assert.deepStrictEqual(params, {
				Get_Conversation: [],
				Send_Message: ['text'],
				Close_Conversation: ['closingMessage'],
			});
			const getResult = JSON.parse(reqs[1].request.toolResults[0].output);
			assert.equal(getResult[0].conversationId, CONV._id);
			assert.equal(getResult[0].state, 'active');

			// What Jelou got: the conversation read twice, two signed messages to the user's room,
			// one close of the user's conversation with the bot.
			const byKind = (r) =>
				r.path.endsWith('/webhook')
					? 'send'
					: r.path.endsWith('/close')
						? 'close'
						: r.path.endsWith(`/conversations/${CONV._id}`)
							? 'get'
							: r.path;
			assert.deepStrictEqual(
				ctx.sb.requests.map((r) => `${byKind(r)} ${r.status}`),
				['get 200', 'send 200', 'get 200', 'send 200', 'close 200'],
			);
			const sent = (await httpRequest('GET', `${ctx.sb.url}/__sandbox/messages`)).json;
			assert.deepStrictEqual(
				sent.map((m) => [m.room_id, m.bot_id, m.user_id, m.value.content.body]),
				[
					[CONV.roomId, CONV.Bot.id, CONV.User.id, HANDOVER_REPLY],
					[CONV.roomId, CONV.Bot.id, CONV.User.id, THANKS_REPLY],
				],
			);
			const close = ctx.sb.requests.find((r) => byKind(r) === 'close');
			assert.deepStrictEqual(jsonBody(close), {
				botId: CONV.Bot.id,
				userId: CONV.User.id,
				redirectPayload: { type: 'text', text: GOODBYE },
			});

			// The hand-over branch ran once, with the agent's summary; the goodbye took the other.
			const output = (exec) => nodeItems(exec, 'AI Support Agent')[0].output;
			assert.equal(output(handover), `Luis is waiting for a person. [HANDOVER] ${HANDOVER_NEED}`);
			assert.equal(output(closing), 'Luis was done; the conversation is now closed.');
			assert.equal(nodeItems(closing, 'Notify Support Team'), undefined);
			assert.equal(ctx.teamChannel.received.length, 1);
			assert.deepStrictEqual(JSON.parse(ctx.teamChannel.received[0].body), {
				text: `A Jelou user needs a person: ${HANDOVER_NEED} (user ${CONV.User.names}, conversation ${CONV._id}, room ${CONV.roomId})`,
			});
			assert.ok(ctx.sb.requests.every((r) => r.auth === null || r.auth === 'api_key'));
		},
	);
}

module.exports = { setup, workflows, define };
