'use strict';
// Last test of a run: no secret appears anywhere in what n8n printed.

const assert = require('node:assert/strict');
const { test } = require('node:test');

/** Every secret of the suite, labelled: [[label, value]]. */
function secretsOf(ctx) {
	return [
		['API key', ctx.secrets.apiKey],
		['client secret', ctx.secrets.clientSecret],
		['Basic token', ctx.basicToken],
		["credential's signing secret", ctx.secrets.signingSecret],
		['wrong signing secret', ctx.secrets.wrongSigningSecret],
		['webhook secret', ctx.secrets.webhookSecret],
	];
}

function define(ctx) {
	test('no secret (API key, client secret, Basic token, signing secrets, webhook secret) appears anywhere in what n8n printed', () => {
		ctx.requireSetup();
		const text = ctx.n8n.transcriptText();
		assert.ok(text.length > 1000, 'the transcript holds the runs');
		// The one secret meant to be shown: the signing secret Integration → Create returned.
		// It is printed, so the scan reads the runs' output, and it differs from the others.
		if (ctx.createdSigningSecret) {
			assert.ok(
				text.includes(ctx.createdSigningSecret),
				'the transcript holds the Integration Create output',
			);
			assert.ok(
				![ctx.secrets.signingSecret, ctx.secrets.wrongSigningSecret].includes(
					ctx.createdSigningSecret,
				),
			);
		}
		for (const [label, secret] of secretsOf(ctx)) {
			const at = text.indexOf(secret);
			assert.equal(
				at,
				-1,
				`${label} leaked into n8n's output: ...${text.slice(Math.max(0, at - 200), at + 100)}...`,
			);
		}
	});
}

module.exports = { define, secretsOf };
