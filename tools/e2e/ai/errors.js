'use strict';
// Failures inside the AI Agent, in one `n8n execute`: a missing conversation (404), a wrong API
// key (401), a rate limit that outlasts the retries (429 on every attempt), and a tool whose JSON
// asks for an Integration operation (which the tool never offers: Create answers with the signing
// secret). Each reaches the model as a short readable tool result with a hint, never a stack, and
// the run goes on to the agent's final answer.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { nodeItems } = require('../../harness/n8n');
const ai = require('../../harness/ai-workflows');
const wf = require('../../harness/workflows');
const { PROJECT } = require('../features/setup');
const { addScripts } = require('./setup');

const WF_ERRORS = 'JelouE2eAiError1';
const MISSING = 'conv-missing-404';
const ID = 'conv-closed-001';
const RETRIES = 2;

const SCENARIOS = {
	integration: {
		tool: 'Read the integration',
		model: 'jelou-error-integration',
		credential: 'sign',
		parameters: { resource: 'integration', operation: 'get', projectId: PROJECT, options: {} },
	},
	404: { tool: 'Look up conversation', model: 'jelou-error-404', id: MISSING, credential: 'sign' },
	401: {
		tool: 'Look up with a wrong key',
		model: 'jelou-error-401',
		id: ID,
		credential: 'wrongKey',
	},
	429: { tool: 'Look up while throttled', model: 'jelou-error-429', id: ID, credential: 'sign' },
};
const FINAL = 'Jelou said: {{error}} Hint: {{hint}}';

addScripts(
	Object.fromEntries(
		Object.values(SCENARIOS).map((s) => [
			s.model,
			[
				{
					call: {
						name: ai.toolName(s.tool),
						arguments: s.id ? { conversationId: s.id } : {},
					},
				},
				{ text: FINAL },
			],
		]),
	),
);

function workflows(ctx) {
	const step = (status) => {
		const s = SCENARIOS[status];
		return {
			agent: ai.agent({
				name: `Agent: ${status}`,
				line: ctx.rt.line,
				prompt: s.id ? `What is the state of conversation ${s.id}?` : 'Read the integration.',
			}),
			model: ai.chatModel({
				name: `Model: ${status}`,
				credential: ctx.creds.openAi,
				model: s.model,
			}),
			tools: [
				ai.jelouTool({
					name: s.tool,
					credential: ctx.creds[s.credential],
					typeVersion: 2,
					parameters: s.parameters || {
						resource: 'conversation',
						operation: 'get',
						projectId: PROJECT,
						conversationId: `={{ $fromAI('conversationId', 'The conversation to look up', 'string') }}`,
						options: { maxRetries: RETRIES },
					},
				}),
			],
		};
	};
	const control = (name, body) =>
		wf.sandboxControl({ name, url: `${ctx.sb.url}/__sandbox/config`, body });
	return [
		ai.agentWorkflow({
			id: WF_ERRORS,
			name: 'e2e AI Agent: Jelou errors reach the model',
			steps: [
				step('integration'),
				step(404),
				step(401),
				control('Sandbox: every request 429', { errorRate: 1, faultStatuses: [429] }),
				step(429),
				control('Sandbox: no faults', { errorRate: 0, faultStatuses: [500, 502, 503] }),
			],
		}),
	];
}

/** What the model got back from the tool, checked for shape; resolves { error, hint }. */
function modelSawError(modelRequests, model) {
	const reqs = ai.requestsFor(modelRequests, model);
	assert.deepStrictEqual(
		reqs.map((r) => [r.status, r.request.toolResults.length]),
		[
			[200, 0],
			[200, 1],
		],
		`${model}: one tool call, one tool result, then the final answer`,
	);
	const { output } = reqs[1].request.toolResults[0];
	/** @type {any} */
	let parsed;
	assert.doesNotThrow(() => (parsed = JSON.parse(output)), `JSON: ${output.slice(0, 300)}`);
	assert.ok(Array.isArray(parsed) && parsed.length === 1, `one item: ${output.slice(0, 300)}`);
	const [item] = parsed;
	assert.deepStrictEqual(Object.keys(item).sort(), ['error', 'hint'], output.slice(0, 300));
	for (const key of ['error', 'hint']) {
		assert.equal(typeof item[key], 'string', key);
		assert.ok(item[key].length > 10 && item[key].length <= 400, `${key} is short: ${item[key]}`);
		assert.doesNotMatch(item[key], /\n\s+at |\.js:\d+|Error: .*\n/, `${key}: no stack`);
	}
	assert.ok(output.length < 1000, `the whole result is short (${output.length} characters)`);
	return item;
}

function define(ctx) {
	const run = () => ctx.executeAiShared(WF_ERRORS);
	const attempts = (requests, id) =>
		requests
			.filter((r) => r.path.endsWith(`/conversations/${id}`))
			.map((r) => `${r.status} ${r.auth}`);
	const finalAnswer = (result, status, item) => {
		const [out] = nodeItems(result, `Agent: ${status}`);
		assert.equal(out.output, `Jelou said: ${item.error} Hint: ${item.hint}`);
	};

	test('AI Agent, a tool edited to run Integration → Get: refused before any request, the model gets why and a hint', async () => {
		ctx.requireSetup();
		const { result, requests, modelRequests } = await run();
		assert.deepStrictEqual(
			requests.filter((r) => /\/integration/.test(r.path)).map((r) => r.path),
			[],
			'nothing reached the integration endpoints',
		);
		const [first] = ai.requestsFor(modelRequests, SCENARIOS.integration.model);
		const offered = first.request.tools.find(
			(t) => t.name === ai.toolName(SCENARIOS.integration.tool),
		);
		assert.deepStrictEqual(Object.keys(offered.parameters.properties || {}), [], 'no parameters');
		const item = modelSawError(modelRequests, SCENARIOS.integration.model);
		assert.match(item.error, /not available to an AI Agent/);
		assert.match(item.hint, /conversations/);
		finalAnswer(result, 'integration', item);
	});

	test('AI Agent, Jelou answers 404: the model gets a short "not found" with a hint, the agent answers', async () => {
		ctx.requireSetup();
		const { result, requests, modelRequests } = await run();
		assert.deepStrictEqual(attempts(requests, MISSING), ['404 api_key'], 'a 404 is not retried');
		const item = modelSawError(modelRequests, SCENARIOS[404].model);
		assert.match(item.error, /not found/i);
		assert.ok(item.error.includes(MISSING), `names the id: ${item.error}`);
		finalAnswer(result, 404, item);
	});

	test('AI Agent, Jelou answers 401 (wrong API key): the model gets a short message with a hint, no key', async () => {
		ctx.requireSetup();
		const { result, requests, modelRequests } = await run();
		const before429 = requests.filter((r) => r.status !== 429);
		assert.deepStrictEqual(attempts(before429, ID), ['401 invalid'], 'a 401 is not retried');
		const item = modelSawError(modelRequests, SCENARIOS[401].model);
		assert.match(`${item.error} ${item.hint}`, /401|API key|credential|rejected/i);
		assert.ok(!JSON.stringify(item).includes(ctx.secrets.wrongApiKey), 'the key is not echoed');
		finalAnswer(result, 401, item);
	});

	test(`AI Agent, Jelou answers 429 on every attempt: after ${RETRIES} retries the model gets a short rate-limit message with a hint`, async () => {
		ctx.requireSetup();
		const { result, requests, modelRequests } = await run();
		assert.deepStrictEqual(
			requests.filter((r) => r.status === 429).map((r) => r.path.split('/').pop()),
			Array(RETRIES + 1).fill(ID),
			'the first attempt and every retry got 429',
		);
		const item = modelSawError(modelRequests, SCENARIOS[429].model);
		assert.match(`${item.error} ${item.hint}`, /429|rate|too many/i);
		finalAnswer(result, 429, item);
		assert.equal(ctx.sb.config.errorRate, 0, 'the last step put the sandbox back');
	});
}

module.exports = { workflows, define };
