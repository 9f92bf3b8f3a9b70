'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');

const { startModelServer } = require('../server');

const KEY = 'sk-test-model-server';
const TOOL = {
	name: 'Get_conversation',
	description: 'Get a conversation in Jelou',
	parameters: {
		type: 'object',
		properties: { conversationId: { type: 'string', description: 'The conversation id' } },
		required: ['conversationId'],
	},
};
const SCRIPT = [
	{ call: { name: 'Get_conversation', arguments: { conversationId: 'conv-1' } } },
	{ text: 'It is {{state}}.' },
];

let server;
before(async () => {
	server = await startModelServer({ apiKey: KEY, scripts: { 'get-state': SCRIPT } });
});
after(() => server.close());

async function post(path, body, { key = KEY } = {}) {
	const res = await fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
		body: JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, type: res.headers.get('content-type'), text, json: safeJson(text) };
}

function safeJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** The `data:` payloads of an event stream, with their `event:` names. */
function events(text) {
	return text
		.split('\n\n')
		.filter(Boolean)
		.map((block) => {
			const name = /^event: (.*)$/m.exec(block);
			const data = /^data: (.*)$/m.exec(block)[1];
			return { event: name && name[1], data: data === '[DONE]' ? data : JSON.parse(data) };
		});
}

const responsesBody = (input, extra = {}) => ({
	model: 'get-state',
	input,
	tools: [{ type: 'function', strict: null, ...TOOL }],
	...extra,
});
const toolResultInput = [
	{ type: 'message', role: 'user', content: 'Is conv-1 closed?' },
	{ type: 'function_call', call_id: 'call_a', name: 'Get_conversation', arguments: '{}' },
	{ type: 'function_call_output', call_id: 'call_a', output: '[{"state":"closed"}]' },
];

describe('model server: Responses API', () => {
	test('first a function_call, then the text from the function_call_output; both requests recorded', async () => {
		server.reset();
		const first = await post('/v1/responses', responsesBody('Is conv-1 closed?'));
		assert.equal(first.status, 200);
		assert.equal(first.json.object, 'response');
		assert.equal(first.json.status, 'completed');
		assert.equal(first.json.model, 'get-state');
		assert.equal(first.json.output.length, 1);
		const call = first.json.output[0];
		assert.equal(call.type, 'function_call');
		assert.equal(call.name, 'Get_conversation');
		assert.deepStrictEqual(JSON.parse(call.arguments), { conversationId: 'conv-1' });
		assert.match(call.call_id, /^call_/);
		assert.match(call.id, /^fc_/);

		const second = await post('/v1/responses', responsesBody(toolResultInput));
		assert.deepStrictEqual(second.json.output[0].content, [
			{ type: 'output_text', text: 'It is closed.', annotations: [] },
		]);
		assert.equal(second.json.output[0].role, 'assistant');
		assert.equal(second.json.usage.total_tokens > 0, true);

		assert.equal(server.requests.length, 2);
		const [r1, r2] = server.requests;
		assert.equal(r1.api, 'responses');
		assert.equal(r1.headers.authorization, `Bearer ${KEY}`);
		assert.deepStrictEqual(r1.request.tools, [TOOL]);
		assert.deepStrictEqual(r1.request.messages, [{ role: 'user', content: 'Is conv-1 closed?' }]);
		assert.deepStrictEqual(r2.request.toolResults, [
			{ callId: 'call_a', output: '[{"state":"closed"}]' },
		]);
		assert.equal(r2.answer.text, 'It is closed.');
		assert.deepStrictEqual(JSON.parse(r2.body), responsesBody(toolResultInput), 'raw body kept');
	});

	test('stream: true answers server-sent events the openai client assembles into the same output', async () => {
		const first = await post('/v1/responses', responsesBody('hi', { stream: true }));
		assert.match(first.type, /^text\/event-stream/);
		const ev = events(first.text);
		assert.deepStrictEqual(
			ev.map((e) => e.event),
			[
				'response.created',
				'response.in_progress',
				'response.output_item.added',
				...ev
					.filter((e) => e.event === 'response.function_call_arguments.delta')
					.map((e) => e.event),
				'response.function_call_arguments.done',
				'response.output_item.done',
				'response.completed',
			],
		);
		assert.ok(ev.every((e) => e.data.type === e.event));
		assert.deepStrictEqual(
			ev.map((e) => e.data.sequence_number),
			ev.map((_, i) => i),
		);
		const args = ev
			.filter((e) => e.event === 'response.function_call_arguments.delta')
			.map((e) => e.data.delta)
			.join('');
		assert.deepStrictEqual(JSON.parse(args), { conversationId: 'conv-1' });
		assert.equal(ev[2].data.item.arguments, '', 'the added item starts without arguments');
		assert.equal(ev.at(-1).data.response.output[0].arguments, args);

		const second = await post('/v1/responses', responsesBody(toolResultInput, { stream: true }));
		const ev2 = events(second.text);
		const text = ev2
			.filter((e) => e.event === 'response.output_text.delta')
			.map((e) => e.data.delta)
			.join('');
		assert.equal(text, 'It is closed.');
		assert.equal(ev2.at(-1).data.response.output[0].content[0].text, 'It is closed.');
	});
});

describe('model server: Chat Completions', () => {
	const body = (messages, extra = {}) => ({
		model: 'get-state',
		messages,
		tools: [{ type: 'function', function: TOOL }],
		...extra,
	});
	const withResult = [
		{ role: 'system', content: 'You are a helpful assistant' },
		{ role: 'user', content: 'Is conv-1 closed?' },
		{
			role: 'assistant',
			content: '',
			tool_calls: [
				{ id: 'call_b', type: 'function', function: { name: 'Get_conversation', arguments: '{}' } },
			],
		},
		{ role: 'tool', tool_call_id: 'call_b', content: '[{"state":"active"}]' },
	];

	test('first tool_calls, then the text from the role "tool" message', async () => {
		server.reset();
		const first = await post('/v1/chat/completions', body([{ role: 'user', content: 'Hi' }]));
		assert.equal(first.json.object, 'chat.completion');
		const choice = first.json.choices[0];
		assert.equal(choice.finish_reason, 'tool_calls');
		assert.equal(choice.message.content, null);
		assert.equal(choice.message.tool_calls[0].function.name, 'Get_conversation');
		assert.deepStrictEqual(JSON.parse(choice.message.tool_calls[0].function.arguments), {
			conversationId: 'conv-1',
		});
		const second = await post('/v1/chat/completions', body(withResult));
		assert.equal(second.json.choices[0].finish_reason, 'stop');
		assert.equal(second.json.choices[0].message.content, 'It is active.');
		assert.equal(server.requests[1].api, 'completions');
		assert.deepStrictEqual(server.requests[1].request.tools, [TOOL]);
		assert.deepStrictEqual(server.requests[1].request.toolResults, [
			{ callId: 'call_b', output: '[{"state":"active"}]' },
		]);
		assert.deepStrictEqual(server.requests[1].request.toolCalls, [
			{ callId: 'call_b', name: 'Get_conversation', arguments: '{}' },
		]);
	});

	test('stream: chunks with tool_call deltas, finish_reason, the usage chunk when asked, then [DONE]', async () => {
		const streamed = await post(
			'/v1/chat/completions',
			body([{ role: 'user', content: 'Hi' }], {
				stream: true,
				stream_options: { include_usage: true },
			}),
		);
		const ev = events(streamed.text);
		assert.equal(ev.at(-1).data, '[DONE]');
		const chunks = ev.slice(0, -1).map((e) => e.data);
		assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
		assert.ok(chunks.at(-1).usage.total_tokens > 0);
		assert.deepStrictEqual(chunks.at(-1).choices, []);
		const deltas = chunks.flatMap((c) => c.choices.map((ch) => ch.delta));
		const args = deltas.flatMap((d) => (d.tool_calls || []).map((t) => t.function.arguments));
		assert.deepStrictEqual(JSON.parse(args.join('')), { conversationId: 'conv-1' });
		assert.equal(chunks.at(-2).choices[0].finish_reason, 'tool_calls');

		const text = await post('/v1/chat/completions', body(withResult, { stream: true }));
		const parts = events(text.text)
			.slice(0, -1)
			.flatMap((e) => e.data.choices.map((c) => c.delta.content || ''))
			.join('');
		assert.equal(parts, 'It is active.');
	});
});

describe('model server: models, errors and control routes', () => {
	test('GET /v1/models lists the scripts', async () => {
		const res = await fetch(`${server.url}/v1/models`, {
			headers: { authorization: `Bearer ${KEY}` },
		});
		const json = /** @type {any} */ (await res.json());
		assert.equal(json.object, 'list');
		assert.ok(json.data.some((m) => m.id === 'get-state' && m.object === 'model'));
	});

	test('a wrong API key gets 401, an unknown model 404, a tool the request lacks 400, in OpenAI error form; all recorded', async () => {
		server.reset();
		const wrongKey = await post('/v1/responses', responsesBody('hi'), { key: 'nope' });
		assert.equal(wrongKey.status, 401);
		assert.equal(wrongKey.json.error.code, 'invalid_api_key');
		const unknown = await post('/v1/responses', { ...responsesBody('hi'), model: 'gpt-x' });
		assert.equal(unknown.status, 404);
		assert.equal(unknown.json.error.code, 'model_not_found');
		const noTool = await post('/v1/responses', { ...responsesBody('hi'), tools: [] });
		assert.equal(noTool.status, 400);
		assert.match(noTool.json.error.message, /does not offer/);
		assert.deepStrictEqual(
			server.requests.map((r) => r.status),
			[401, 404, 400],
		);
	});

	test('scripts set through PUT /__model/scripts/<model>; the log read and cleared through /__model/requests', async () => {
		const put = await fetch(`${server.url}/__model/scripts/say-hi`, {
			method: 'PUT',
			body: JSON.stringify({ steps: [{ text: 'hi there' }] }),
		});
		assert.deepStrictEqual(await put.json(), { name: 'say-hi', steps: 1 });
		const bad = await fetch(`${server.url}/__model/scripts/x`, { method: 'PUT', body: '{}' });
		assert.equal(bad.status, 400);
		const said = await post('/v1/chat/completions', {
			model: 'say-hi',
			messages: [{ role: 'user', content: 'hello' }],
		});
		assert.equal(said.json.choices[0].message.content, 'hi there');
		const log = /** @type {any} */ (await (await fetch(`${server.url}/__model/requests`)).json());
		assert.equal(log.at(-1).request.model, 'say-hi');
		assert.ok(
			log.every((r) => !r.path.startsWith('/__model')),
			'control requests are not logged',
		);
		const cleared = /** @type {any} */ (
			await (await fetch(`${server.url}/__model/requests`, { method: 'DELETE' })).json()
		);
		assert.equal(cleared.cleared, log.length);
		assert.equal(server.requests.length, 0);
	});

	test('listens on 127.0.0.1 only', () => {
		assert.equal(server.httpServer.address().address, '127.0.0.1');
	});
});
