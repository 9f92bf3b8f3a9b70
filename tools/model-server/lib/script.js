'use strict';

// Scripts: what the fake model answers. A script is a list of steps, each either tool calls or a
// final text. The model server is stateless between requests: the step to answer with is found
// from the tool results already in the request (every call of a step is answered by one result),
// so a retried request gets the same answer and several agents can run at once.
//
//   { steps: [
//       { call: { name: 'Get_conversation', arguments: { conversationId: 'conv-1' } } },
//       { text: 'The conversation is {{state}}, ended because {{endedReason}}.' },
//   ] }
//
// A text step may use placeholders filled from the latest tool result: {{output}} is that result
// as the model received it (a string), {{key}} the first value named `key` found in it once parsed
// as JSON (depth first, in document order, whatever n8n wraps the node's items in), and
// {{output:N}} the first N characters of the result.

/** Validates a script; throws TypeError naming the bad part. Returns a normalized copy. */
function normalizeScript(name, script) {
	if (typeof name !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(name))
		throw new TypeError(`script name "${name}" must be 1-100 letters, digits, . _ : or -`);
	const steps = Array.isArray(script) ? script : script && script.steps;
	if (!Array.isArray(steps) || steps.length === 0)
		throw new TypeError(`script "${name}" needs a non-empty "steps" list`);
	return {
		name,
		steps: steps.map((step, i) => {
			const where = `script "${name}", step ${i}`;
			if (step && typeof step.text === 'string') return { text: step.text };
			const calls = step && (step.calls || (step.call ? [step.call] : undefined));
			if (!Array.isArray(calls) || calls.length === 0)
				throw new TypeError(`${where}: give "text", "call" or "calls"`);
			return {
				calls: calls.map((c, j) => {
					if (!c || typeof c.name !== 'string' || c.name === '')
						throw new TypeError(`${where}, call ${j}: "name" must be a non-empty string`);
					const args = c.arguments === undefined ? {} : c.arguments;
					if (args === null || typeof args !== 'object' || Array.isArray(args))
						throw new TypeError(`${where}, call ${j}: "arguments" must be an object`);
					return { name: c.name, arguments: args };
				}),
			};
		}),
	};
}

/**
 * The step that answers a request holding `resultCount` tool results: call steps are passed over
 * once all their calls have results. Resolves { index, step } or { index, step: undefined } when
 * the script has run out.
 */
function nextStep(script, resultCount) {
	let left = resultCount;
	let index = 0;
	while (index < script.steps.length) {
		const step = script.steps[index];
		if (!step.calls || left < step.calls.length) break;
		left -= step.calls.length;
		index++;
	}
	return { index, step: script.steps[index] };
}

/** The first value under `key` in a parsed JSON value, depth first; undefined when none. */
function findKey(value, key) {
	if (value === null || typeof value !== 'object') return undefined;
	if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, key)) return value[key];
	for (const child of Object.values(value)) {
		const found = findKey(child, key);
		if (found !== undefined) return found;
	}
	return undefined;
}

/** Parses a tool result, which may be JSON wrapped in JSON (a string holding JSON). */
function parseResult(output) {
	let value = output;
	for (let i = 0; i < 3 && typeof value === 'string'; i++) {
		try {
			value = JSON.parse(value);
		} catch {
			break;
		}
	}
	return value;
}

/** Fills a text step's placeholders from the latest tool result (see the header). */
function renderText(template, lastOutput) {
	const output = lastOutput === undefined ? '' : String(lastOutput);
	const parsed = parseResult(output);
	return template.replace(/\{\{\s*([A-Za-z0-9_.-]+)(?::(\d+))?\s*\}\}/g, (_, key, length) => {
		if (key === 'output') return length ? output.slice(0, Number(length)) : output;
		const found = findKey(parsed, key);
		if (found === undefined) return `<no ${key} in the tool result>`;
		return typeof found === 'string' ? found : JSON.stringify(found);
	});
}

/**
 * What to answer: { kind: 'calls', calls: [{ callId, name, arguments }] } or
 * { kind: 'text', text }. `request` is the normalized request (tools offered, tool results);
 * `nextId` makes the server's ids. Throws an error with `status` when the script names a tool
 * the request does not offer.
 */
function answer(script, request, nextId) {
	const { index, step } = nextStep(script, request.toolResults.length);
	if (!step) {
		return {
			kind: 'text',
			step: index,
			text: `Script "${script.name}" has no step left after ${request.toolResults.length} tool result(s).`,
		};
	}
	if (step.text !== undefined) {
		const last = request.toolResults[request.toolResults.length - 1];
		return { kind: 'text', step: index, text: renderText(step.text, last && last.output) };
	}
	const offered = request.tools.map((t) => t.name);
	for (const call of step.calls) {
		if (!offered.includes(call.name)) {
			const err = Object.assign(
				new Error(
					`Script "${script.name}", step ${index}, calls the tool "${call.name}", which the request does not offer (offered: ${offered.join(', ') || 'none'}).`,
				),
				{ status: 400 },
			);
			throw err;
		}
	}
	return {
		kind: 'calls',
		step: index,
		calls: step.calls.map((c) => ({
			callId: nextId('call'),
			name: c.name,
			arguments: JSON.stringify(c.arguments),
		})),
	};
}

module.exports = { normalizeScript, nextStep, findKey, renderText, answer };
