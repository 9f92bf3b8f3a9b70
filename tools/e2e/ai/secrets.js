'use strict';
// Last tests of the AI stage: no Jelou secret reached the model server (every request it received
// during the stage: headers and bodies, tool definitions and tool results), and none appears in
// what n8n printed (the end-to-end suite's own check).

const assert = require('node:assert/strict');
const { test } = require('node:test');

const transcript = require('../features/secrets');

/** [label, secret] for every Jelou secret the stage's credentials and sandbox hold. */
function jelouSecrets(ctx) {
	return [
		['API key', ctx.secrets.apiKey],
		['wrong API key', ctx.secrets.wrongApiKey],
		['client secret', ctx.secrets.clientSecret],
		['Basic token', ctx.basicToken],
		["credential's signing secret", ctx.secrets.signingSecret],
		['wrong signing secret', ctx.secrets.wrongSigningSecret],
		['webhook authorization', ctx.secrets.webhookSecret],
	];
}

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
		const text = received
			.map((r) => `${r.method} ${r.path}\n${JSON.stringify(r.headers)}\n${r.body}`)
			.join('\n');
		for (const [label, secret] of jelouSecrets(ctx)) {
			assert.ok(secret && secret.length >= 16, `${label} is a distinctive value`);
			const at = text.indexOf(secret);
			assert.equal(
				at,
				-1,
				`${label} reached the model server: ...${text.slice(Math.max(0, at - 200), at + 100)}...`,
			);
		}
	});

	transcript.define(ctx);
}

module.exports = { define, jelouSecrets };
