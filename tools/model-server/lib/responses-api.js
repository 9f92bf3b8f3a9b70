'use strict';

// The Responses API (POST /v1/responses), as the `openai` client of n8n's OpenAI Chat Model node
// speaks it (through @langchain/openai's ChatOpenAI with useResponsesApi): tools arrive as
// { type: 'function', name, description, parameters }, tool results as `function_call_output`
// input items; the answer's output holds `function_call` items or one assistant `message`.

const { startStream, sendEvent, chunks } = require('./sse');

/** The parts of a request the script and the tests need. */
function normalizeRequest(body) {
	const input = Array.isArray(body.input)
		? body.input
		: typeof body.input === 'string'
			? [{ type: 'message', role: 'user', content: body.input }]
			: [];
	return {
		api: 'responses',
		model: body.model,
		stream: body.stream === true,
		instructions: body.instructions,
		tools: (Array.isArray(body.tools) ? body.tools : [])
			.filter((t) => t && t.type === 'function')
			.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
		messages: input
			.filter((i) => i && (i.type === 'message' || (i.role && i.type === undefined)))
			.map((i) => ({ role: i.role, content: textOf(i.content) })),
		toolCalls: input
			.filter((i) => i && i.type === 'function_call')
			.map((i) => ({ callId: i.call_id, name: i.name, arguments: i.arguments })),
		toolResults: input
			.filter((i) => i && i.type === 'function_call_output')
			.map((i) => ({ callId: i.call_id, output: textOf(i.output) })),
	};
}

function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content.map((p) => (p && typeof p.text === 'string' ? p.text : '')).join('');
	return content === undefined ? '' : JSON.stringify(content);
}

/** The output items of an answer, complete. */
function outputItems(answer, nextId) {
	if (answer.kind === 'calls') {
		return answer.calls.map((c) => ({
			type: 'function_call',
			id: nextId('fc'),
			call_id: c.callId,
			name: c.name,
			arguments: c.arguments,
			status: 'completed',
		}));
	}
	return [
		{
			type: 'message',
			id: nextId('msg'),
			status: 'completed',
			role: 'assistant',
			content: [{ type: 'output_text', text: answer.text, annotations: [] }],
		},
	];
}

function responseObject({ id, model, createdAt, status, output, usage }) {
	return {
		id,
		object: 'response',
		created_at: createdAt,
		status,
		error: null,
		incomplete_details: null,
		instructions: null,
		model,
		output,
		parallel_tool_calls: true,
		temperature: 1,
		tool_choice: 'auto',
		tools: [],
		top_p: 1,
		text: { format: { type: 'text' } },
		metadata: {},
		usage: status === 'completed' ? usage : null,
	};
}

function usageOf(tokens) {
	return {
		input_tokens: tokens.input,
		input_tokens_details: { cached_tokens: 0 },
		output_tokens: tokens.output,
		output_tokens_details: { reasoning_tokens: 0 },
		total_tokens: tokens.input + tokens.output,
	};
}

/** Answers with one JSON response, or with the event stream when the request asked for it. */
function writeAnswer(res, { request, answer, nextId, createdAt, tokens }) {
	const id = nextId('resp');
	const output = outputItems(answer, nextId);
	const usage = usageOf(tokens);
	const full = responseObject({
		id,
		model: request.model,
		createdAt,
		status: 'completed',
		output,
		usage,
	});
	if (!request.stream) {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify(full));
		return;
	}
	startStream(res);
	let seq = 0;
	const send = (type, fields) => sendEvent(res, { type, sequence_number: seq++, ...fields }, type);
	const pending = { ...full, status: 'in_progress', output: [], usage: null };
	send('response.created', { response: pending });
	send('response.in_progress', { response: pending });
	output.forEach((item, outputIndex) => {
		if (item.type === 'function_call') {
			send('response.output_item.added', {
				output_index: outputIndex,
				item: { ...item, arguments: '', status: 'in_progress' },
			});
			for (const delta of chunks(item.arguments))
				send('response.function_call_arguments.delta', {
					item_id: item.id,
					output_index: outputIndex,
					delta,
				});
			send('response.function_call_arguments.done', {
				item_id: item.id,
				output_index: outputIndex,
				arguments: item.arguments,
			});
		} else {
			const part = item.content[0];
			const at = { item_id: item.id, output_index: outputIndex, content_index: 0 };
			send('response.output_item.added', {
				output_index: outputIndex,
				item: { ...item, content: [], status: 'in_progress' },
			});
			send('response.content_part.added', { ...at, part: { ...part, text: '' } });
			for (const delta of chunks(part.text)) send('response.output_text.delta', { ...at, delta });
			send('response.output_text.done', { ...at, text: part.text });
			send('response.content_part.done', { ...at, part });
		}
		send('response.output_item.done', { output_index: outputIndex, item });
	});
	send('response.completed', { response: full });
	res.end();
}

module.exports = { normalizeRequest, writeAnswer };
