'use strict';
// A streamed AI Agent in the running server: Webhook (Response Mode: Streaming) → AI Agent with the
// Jelou Get tool. n8n then asks the model for streamed answers (`stream: true`): the model server's
// event stream goes through the real OpenAI client, and the agent's answer streams back to the
// caller of the webhook.

const assert = require('node:assert/strict');

const ai = require('../../harness/ai-workflows');
const wf = require('../../harness/workflows');
const { httpRequest } = require('../../harness/n8n');
const { waitFor } = require('../features/setup');
const { GET_STEPS, GET_PARAMETERS, SIMPLIFIED_CLOSED } = require('./agent');
const { addScripts } = require('./setup');

const WF_STREAM = 'JelouE2eAiStream1';
const MODEL = 'jelou-get-state-streamed';
const TOOL = 'Get conversation';
const CLOSED = SIMPLIFIED_CLOSED.conversationId;
const ANSWER = `Conversation ${CLOSED} is closed; it ended as closed_by_operator.`;

addScripts({ [MODEL]: GET_STEPS });

const hookPath = (ctx) => `jelou-ai-stream-${ctx.rt.line}`;

function workflows(ctx) {
	const webhook = {
		id: wf.nodeId('Webhook'),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: wf.webhookUuid(`stream-${ctx.rt.line}`),
		parameters: { httpMethod: 'POST', path: hookPath(ctx), responseMode: 'streaming', options: {} },
	};
	const agent = ai.agent({
		name: 'Agent: streamed',
		line: ctx.rt.line,
		prompt: `Is conversation ${CLOSED} still open? Why did it end?`,
	});
	const flow = ai.agentWorkflow({
		id: WF_STREAM,
		name: 'e2e AI Agent streaming its answer',
		steps: [
			{
				agent,
				model: ai.chatModel({
					name: 'Model: streamed',
					credential: ctx.creds.openAi,
					model: MODEL,
				}),
				tools: [
					ai.jelouTool({
						name: TOOL,
						credential: ctx.creds.key,
						typeVersion: 2,
						parameters: GET_PARAMETERS,
					}),
				],
			},
		],
	});
	// The webhook starts the run in place of the Manual Trigger.
	flow.nodes = [webhook, ...flow.nodes.filter((n) => n.name !== 'Manual Trigger')];
	flow.connections = { ...flow.connections, ...wf.chain('Webhook', agent.name) };
	delete flow.connections['Manual Trigger'];
	return [flow];
}

/** The JSON objects of n8n's streamed webhook answer (one per line, or back to back). */
function streamedParts(text) {
	return text
		.split(/\n|(?<=\})(?=\{)/)
		.map((s) => s.trim())
		.filter(Boolean)
		.map((s) => JSON.parse(s));
}

function define(ctx) {
	ctx.serverTest(
		'Webhook (streaming) → AI Agent: n8n asks the model server for streamed answers, calls the Jelou tool, and streams the answer back',
		async ({ server, rest }) => {
			await rest.activateWorkflow(WF_STREAM);
			const url = `${server.url}/webhook/${hookPath(ctx)}`;
			ctx.sb.reset();
			const from = ctx.model.requests.length;
			const res = await waitFor(`the webhook ${url}`, async () => {
				const r = await httpRequest('POST', url, { body: {}, timeoutMs: 120_000 });
				return r.status === 404 ? undefined : r;
			});
			assert.equal(res.status, 200, res.text.slice(0, 500));
			const reqs = ai.requestsFor(ctx.model.requests.slice(from), MODEL);
			assert.deepStrictEqual(
				reqs.map((r) => [r.api, r.request.stream, r.request.toolResults.length, r.answer.kind]),
				[
					['responses', true, 0, 'calls'],
					['responses', true, 1, 'text'],
				],
			);
			assert.deepStrictEqual(JSON.parse(reqs[1].request.toolResults[0].output), [
				SIMPLIFIED_CLOSED,
			]);
			assert.deepStrictEqual(
				ctx.sb.requests.map((r) => `${r.method} ${r.path.split('/').pop()} ${r.status}`),
				[`GET ${CLOSED} 200`],
			);
			const parts = streamedParts(res.text);
			const text = parts
				.filter((p) => p.type === 'item')
				.map((p) => p.content)
				.join('');
			assert.equal(text, ANSWER, res.text.slice(0, 1000));
		},
	);
}

module.exports = { workflows, define };
