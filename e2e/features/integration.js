'use strict';
// Integration → Get, Create, Update and Delete in real n8n, on Jelou's envelope answers and on
// the bare object the docs' API reference shows (the sandbox's integrationShape switch).

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { nodeItems } = require('../lib/n8n');
const { PROJECT, jsonBody } = require('./setup');
const { OPS_WEBHOOK_URL } = require('./operations');

function workflows() {
	return [];
}

function define(ctx) {
	test('Integration → Get (404 under Continue before one exists), Create (signingSecret + notice, webhook secret not echoed), Get', async () => {
		ctx.requireSetup();
		const { result, requests } = await ctx.operationsRun();
		const integrationCalls = requests.filter((r) => r.path === `/jelouapi/v1/external-support/${PROJECT}`);
		assert.deepStrictEqual(integrationCalls.map((r) => `${r.method} ${r.status}`), ['GET 404', 'POST 201', 'GET 200']);
		assert.deepStrictEqual(jsonBody(integrationCalls[1]), {
			webhookUrl: OPS_WEBHOOK_URL,
			authType: 'bearer',
			authorization: ctx.secrets.webhookSecret,
		});

		assert.deepStrictEqual(nodeItems(result, 'Integration Get (none yet)'), [
			{ error: `Project '${PROJECT}' has no External Support integration (HTTP 404)` },
		]);

		const [created] = nodeItems(result, 'Integration Create');
		assert.deepStrictEqual(Object.keys(created).sort(), ['authType', 'brainId', 'createdAt', 'notice', 'signingSecret', 'updatedAt', 'webhookUrl']);
		assert.equal(created.webhookUrl, OPS_WEBHOOK_URL);
		assert.equal(created.authType, 'bearer');
		assert.match(created.signingSecret, /^[0-9a-f]{64}$/, 'the new signing secret');
		assert.notEqual(created.signingSecret, ctx.secrets.signingSecret, 'a new secret, not the credential\'s');
		assert.equal(created.signingSecret, ctx.sb.integration.signingSecret, 'the secret the sandbox now verifies with');
		assert.match(created.notice, /signingSecret/);
		assert.ok(!JSON.stringify(created).includes(ctx.secrets.webhookSecret), 'the webhook secret is not repeated');
		ctx.createdSigningSecret = created.signingSecret;

		const [got] = nodeItems(result, 'Integration Get');
		assert.deepStrictEqual(got, {
			brainId: created.brainId,
			webhookUrl: OPS_WEBHOOK_URL,
			authType: 'bearer',
			createdAt: created.createdAt,
			updatedAt: created.updatedAt,
		});
	});
}

module.exports = { workflows, define };
