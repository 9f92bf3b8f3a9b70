'use strict';

const assert = require('node:assert/strict');
const { describe, test } = require('node:test');

const { normalizeScript, nextStep, renderText, answer } = require('../lib/script');

const SCRIPT = normalizeScript('demo', {
	steps: [
		{ call: { name: 'Get', arguments: { id: 'c1' } } },
		{
			calls: [
				{ name: 'Send', arguments: { text: 'hi' } },
				{ name: 'Close', arguments: {} },
			],
		},
		{ text: 'Done: {{state}} / {{endedReason}} / {{missing}}' },
	],
});

describe('model server scripts', () => {
	test('bad scripts are refused with the step and the field', () => {
		assert.throws(() => normalizeScript('x', { steps: [] }), /non-empty "steps"/);
		assert.throws(() => normalizeScript('x', [{}]), /step 0: give "text", "call" or "calls"/);
		assert.throws(
			() => normalizeScript('x', [{ call: { name: 'a', arguments: [] } }]),
			/step 0, call 0: "arguments" must be an object/,
		);
		assert.throws(() => normalizeScript('bad name', [{ text: 'x' }]), /script name/);
	});

	test('the step follows the tool results in the request; a step of two calls needs both results', () => {
		assert.equal(nextStep(SCRIPT, 0).index, 0);
		assert.equal(nextStep(SCRIPT, 1).index, 1);
		assert.equal(nextStep(SCRIPT, 2).index, 1, 'one of two results: the calls step again');
		assert.equal(nextStep(SCRIPT, 3).index, 2);
		assert.equal(
			nextStep(SCRIPT, 4).index,
			2,
			'a text step ends the script: more results, same text',
		);
		const callsOnly = normalizeScript('calls', [{ call: { name: 'Get' } }]);
		assert.equal(nextStep(callsOnly, 1).step, undefined, 'past the last call the script is over');
	});

	test('placeholders: first key found depth first in JSON (even JSON in a string), the raw output, a prefix', () => {
		const out = JSON.stringify([{ response: [{ state: 'closed', endedReason: 'timeout' }] }]);
		assert.equal(renderText('{{state}} {{endedReason}}', out), 'closed timeout');
		assert.equal(renderText('{{state}}', JSON.stringify(out)), 'closed', 'JSON inside a string');
		assert.equal(renderText('[{{output}}]', 'plain'), '[plain]');
		assert.equal(renderText('{{output:3}}', 'abcdef'), 'abc');
		assert.equal(renderText('{{n}}', '{"n": {"a": 1}}'), '{"a":1}');
		assert.equal(renderText('{{x}}', 'not json'), '<no x in the tool result>');
	});

	test('answer: tool calls with fresh ids and JSON arguments, then the text from the latest result', () => {
		let n = 0;
		const nextId = (p) => `${p}_${++n}`;
		const tools = [{ name: 'Get' }, { name: 'Send' }, { name: 'Close' }];
		const first = answer(SCRIPT, { tools, toolResults: [] }, nextId);
		assert.deepStrictEqual(first, {
			kind: 'calls',
			step: 0,
			calls: [{ callId: 'call_1', name: 'Get', arguments: '{"id":"c1"}' }],
		});
		const results = [{ output: 'x' }, { output: 'y' }, { output: '{"state":"active"}' }];
		assert.deepStrictEqual(answer(SCRIPT, { tools, toolResults: results }, nextId), {
			kind: 'text',
			step: 2,
			text: 'Done: active / <no endedReason in the tool result> / <no missing in the tool result>',
		});
	});

	test('a script calling a tool the request does not offer fails with 400 and the offered names', () => {
		assert.throws(
			() => answer(SCRIPT, { tools: [{ name: 'Other' }], toolResults: [] }, () => 'id'),
			(/** @type {any} */ err) =>
				err.status === 400 && /calls the tool "Get".*\(offered: Other\)/.test(err.message),
		);
	});
});
