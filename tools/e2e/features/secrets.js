'use strict';
// Last test of a run: no secret appears anywhere in what n8n printed.

const assert = require('node:assert/strict');
const { test } = require('node:test');

/** [label, secret] for every Jelou secret of the run (the wrong API key when the run has one). */
function jelouSecrets(ctx) {
	return [
		['API key', ctx.secrets.apiKey],
		['wrong API key', ctx.secrets.wrongApiKey],
		['client secret', ctx.secrets.clientSecret],
		['Basic token', ctx.basicToken],
		["credential's signing secret", ctx.secrets.signingSecret],
		['wrong signing secret', ctx.secrets.wrongSigningSecret],
		['webhook secret', ctx.secrets.webhookSecret],
	].filter(([, secret]) => secret !== undefined);
}

/** Fails, showing where, when one of `secrets` appears in `text`. */
function assertNoSecret(text, where, secrets) {
	for (const [label, secret] of secrets) {
		assert.ok(secret.length >= 16, `${label} is a distinctive value`);
		const at = text.indexOf(secret);
		assert.equal(
			at,
			-1,
			`${label} leaked into ${where}: ...${text.slice(Math.max(0, at - 200), at + 100)}...`,
		);
	}
}

/** Everything a model server received (method, path, headers, body of each request), to scan. */
const modelServerText = (requests) =>
	requests.map((r) => `${r.method} ${r.path}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n');

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
		assertNoSecret(text, "n8n's output", jelouSecrets(ctx));
	});
}

module.exports = { define, jelouSecrets, assertNoSecret, modelServerText };
