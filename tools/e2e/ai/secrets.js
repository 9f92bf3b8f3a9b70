'use strict';
// Last tests of the AI stage: no Jelou secret reached the model server (every request it received
// during the stage: headers and bodies, tool definitions and tool results), and none appears in
// what n8n printed (the end-to-end suite's own check).

const assert = require('node:assert/strict');
const { test } = require('node:test');

const transcript = require('../features/secrets');

function define(ctx) {
	test('no Jelou secret (API keys, client secret, Basic token, signing secrets, webhook authorization) reached the model server', () => {
		ctx.requireSetup();
		const received = ctx.model.requests;
		// The scan must have material: the stage's runs, with tool results in them.
		assert.ok(received.length >= 10, `the model server received the runs (${received.length})`);
		assert.ok(
			received.some((r) => r.request && r.request.toolResults.length > 0),
			'tool results are among them',
		);
		transcript.assertNoSecret(
			transcript.modelServerText(received),
			'the model server',
			transcript.jelouSecrets(ctx),
		);
	});

	transcript.define(ctx);
}

module.exports = { define };
