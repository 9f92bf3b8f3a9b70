'use strict';

// Chat Completions (POST /v1/chat/completions), as n8n's OpenAI Chat Model node speaks it with
// "Use Responses API" off: tools arrive as { type: 'function', function: { name, description,
// parameters } }, tool results as `role: 'tool'` messages; the answer is one choice whose message
// holds `tool_calls` or the text. Streamed answers are `chat.completion.chunk`s ending in [DONE].

const { startStream, sendEvent, chunks } = require('./sse');

function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content.map((p) => (p && typeof p.text === 'string' ? p.text : '')).join('');
	return content == null ? '' : JSON.stringify(content);
}

/** The parts of a request the script and the tests need. */
function normalizeRequest(body) {
	const messages = Array.isArray(body.messages) ? body.messages : [];
	return {
		api: 'completions',
		model: body.model,
		stream: body.stream === true,
		includeUsage: !!(body.stream_options && body.stream_options.include_usage),
		tools: (Array.isArray(body.tools) ? body.tools : [])
			.filter((t) => t && t.type === 'function' && t.function)
			.map((t) => ({
				name: t.function.name,
				description: t.function.description,
				parameters: t.function.parameters,
			})),
		messages: messages
			.filter((m) => m && m.role !== 'tool')
			.map((m) => ({ role: m.role, content: textOf(m.content) })),
		toolCalls: messages.flatMap((m) =>
			m && Array.isArray(m.tool_calls)
				? m.tool_calls.map((c) => ({
						callId: c.id,
						name: c.function && c.function.name,
						arguments: c.function && c.function.arguments,
					}))
				: [],
		),
		toolResults: messages
			.filter((m) => m && m.role === 'tool')
			.map((m) => ({ callId: m.tool_call_id, output: textOf(m.content) })),
	};
}

function usageOf(tokens) {
	return {
		prompt_tokens: tokens.input,
		completion_tokens: tokens.output,
		total_tokens: tokens.input + tokens.output,
	};
}

/** Answers with one JSON completion, or with chunks when the request asked for a stream. */
function writeAnswer(res, { request, answer, nextId, createdAt, tokens }) {
	const id = nextId('chatcmpl');
	const toolCalls =
		answer.kind === 'calls'
			? answer.calls.map((c) => ({
					id: c.callId,
					type: 'function',
					function: { name: c.name, arguments: c.arguments },
				}))
			: undefined;
	const finishReason = toolCalls ? 'tool_calls' : 'stop';
	const base = { id, created: createdAt, model: request.model, system_fingerprint: null };
	if (!request.stream) {
		const message = { role: 'assistant', content: toolCalls ? null : answer.text, refusal: null };
		if (toolCalls) message.tool_calls = toolCalls;
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(
			JSON.stringify({
				...base,
				object: 'chat.completion',
				choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
				usage: usageOf(tokens),
			}),
		);
		return;
	}
	startStream(res);
	const chunk = (delta, finish = null) =>
		sendEvent(res, {
			...base,
			object: 'chat.completion.chunk',
			choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
		});
	if (toolCalls) {
		chunk({ role: 'assistant', content: null, refusal: null });
		toolCalls.forEach((c, index) => {
			chunk({
				tool_calls: [
					{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } },
				],
			});
			for (const part of chunks(c.function.arguments))
				chunk({ tool_calls: [{ index, function: { arguments: part } }] });
		});
	} else {
		chunk({ role: 'assistant', content: '', refusal: null });
		for (const part of chunks(answer.text)) chunk({ content: part });
	}
	chunk({}, finishReason);
	if (request.includeUsage)
		sendEvent(res, {
			...base,
			object: 'chat.completion.chunk',
			choices: [],
			usage: usageOf(tokens),
		});
	sendEvent(res, '[DONE]');
	res.end();
}

module.exports = { normalizeRequest, writeAnswer };
