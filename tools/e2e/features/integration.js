'use strict';
// Integration → Get, Create, Update and Delete in real n8n, on Jelou's envelope answers and on
// the bare object the docs' API reference shows (the sandbox's integrationShape switch).

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { nodeItems, nodeRawItems } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { PROJECT, ISO_MS, jsonBody } = require('./setup');
const { OPS_WEBHOOK_URL } = require('./operations');

const WF_INTEGRATION = 'JelouE2eIntegr01';
const INTEGRATION_PATH = `/jelouapi/v1/external-support/${PROJECT}`;
// What the project's integration points at before the run (the company's own panel).
const PANEL = {
	webhookUrl: 'https://panel.example.com/jelou/events',
	authType: 'api_key',
	authorization: 'panel-api-key-e2e',
};
const MOVED_URL = 'https://support.example.com/jelou/v2/events';
const MOVED_AGAIN_URL = 'https://support.example.com/jelou/v3/events';
const BARE_URL = 'https://support.example.com/jelou/bare/events';
const NOT_FOUND = `Project '${PROJECT}' has no External Support integration (HTTP 404)`;

/**
 * Update and Delete on envelope answers, then Create, Get and Update on bare answers, in one run:
 * Update (URL + auth) → Update (URL only) → Update with nothing to change (Continue) → Get →
 * Delete → Delete again (Continue) → Get (Continue) → [sandbox: bare answers] → Create → Get →
 * Update → [sandbox: envelope answers]. The run starts from the panel's integration (PANEL),
 * whose signing secret is the credential's.
 */
function integrationWorkflow(ctx) {
	const node = (name, operation, extra = {}, continueOnFail = false) =>
		wf.jelouNode({
			name,
			credential: ctx.creds.key,
			continueOnFail,
			parameters: { resource: 'integration', operation, projectId: PROJECT, ...extra },
		});
	const shape = (name, integrationShape) =>
		wf.sandboxControl({ name, url: `${ctx.sb.url}/__sandbox/config`, body: { integrationShape } });
	return wf.lineWorkflow({
		id: WF_INTEGRATION,
		name: 'e2e integration: update, delete, bare answers',
		nodes: [
			node('Update URL and auth', 'update', {
				updateFields: {
					webhookUrl: MOVED_URL,
					webhookAuthType: 'bearer',
					webhookSecret: ctx.secrets.webhookSecret,
				},
			}),
			node('Update URL only', 'update', { updateFields: { webhookUrl: MOVED_AGAIN_URL } }),
			node('Update nothing', 'update', { updateFields: {} }, true),
			node('Get after update', 'get', { options: {} }),
			node('Delete', 'delete'),
			node('Delete again', 'delete', {}, true),
			node('Get after delete', 'get', { options: {} }, true),
			shape('Sandbox: bare answers', 'bare'),
			node('Create (bare answer)', 'create', {
				webhookUrl: BARE_URL,
				webhookAuthType: 'no_auth',
				options: {},
			}),
			node('Get (bare answer)', 'get', { options: {} }),
			node('Update (bare answer)', 'update', {
				updateFields: { webhookAuthType: 'api_key', webhookSecret: ctx.secrets.webhookSecret },
			}),
			shape('Sandbox: envelope answers', 'envelope'),
		],
	});
}

function workflows(ctx) {
	return [integrationWorkflow(ctx)];
}

function define(ctx) {
	test('Integration → Get (404 under Continue before one exists), Create (signingSecret + notice, webhook secret not echoed), Get', async () => {
		ctx.requireSetup();
		const { result, requests } = await ctx.operationsRun();
		const integrationCalls = requests.filter(
			(r) => r.path === `/jelouapi/v1/external-support/${PROJECT}`,
		);
		assert.deepStrictEqual(
			integrationCalls.map((r) => `${r.method} ${r.status}`),
			['GET 404', 'POST 201', 'GET 200'],
		);
		assert.deepStrictEqual(jsonBody(integrationCalls[1]), {
			webhookUrl: OPS_WEBHOOK_URL,
			authType: 'bearer',
			authorization: ctx.secrets.webhookSecret,
		});

		assert.deepStrictEqual(nodeItems(result, 'Integration Get (none yet)'), [
			{ error: `Project '${PROJECT}' has no External Support integration (HTTP 404)` },
		]);

		const [created] = nodeItems(result, 'Integration Create');
		assert.deepStrictEqual(Object.keys(created).sort(), [
			'authType',
			'brainId',
			'createdAt',
			'notice',
			'signingSecret',
			'updatedAt',
			'webhookUrl',
		]);
		assert.equal(created.webhookUrl, OPS_WEBHOOK_URL);
		assert.equal(created.authType, 'bearer');
		assert.match(created.signingSecret, /^[0-9a-f]{64}$/, 'the new signing secret');
		assert.notEqual(
			created.signingSecret,
			ctx.secrets.signingSecret,
			"a new secret, not the credential's",
		);
		assert.equal(
			created.signingSecret,
			ctx.sb.integration.signingSecret,
			'the secret the sandbox now verifies with',
		);
		assert.match(created.notice, /signingSecret/);
		assert.ok(
			!JSON.stringify(created).includes(ctx.secrets.webhookSecret),
			'the webhook secret is not repeated',
		);
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

	const integrationRun = () =>
		ctx.executeShared(WF_INTEGRATION, {
			prepare: () => {
				ctx.sb.resetData();
				ctx.sb.setIntegration({ ...PANEL, signingSecret: ctx.secrets.signingSecret });
			},
		});
	/** The integration-path requests of the run, with the sandbox's integration after each. */
	const integrationCalls = async () => {
		const { requests, seen } = await integrationRun();
		const calls = requests.filter((r) => r.path === INTEGRATION_PATH);
		const after = seen.filter((r) => r.path === INTEGRATION_PATH).map((r) => r.integrationAfter);
		assert.equal(after.length, calls.length);
		return calls.map((r, i) => ({ ...r, integrationAfter: after[i] }));
	};

	test('Integration → Update: PATCH with only the fields set, the same signing secret, the webhook secret never shown; an empty Update Fields sends nothing', async () => {
		ctx.requireSetup();
		const { result } = await integrationRun();
		const calls = await integrationCalls();
		assert.deepStrictEqual(
			calls.map((r) => `${r.method} ${r.status} ${r.auth}`),
			[
				'PATCH 200 api_key',
				'PATCH 200 api_key',
				'GET 200 api_key',
				'DELETE 200 api_key',
				'DELETE 404 api_key',
				'GET 404 api_key',
				'POST 201 api_key',
				'GET 200 api_key',
				'PATCH 200 api_key',
			],
		);
		const [first, second] = calls;
		assert.deepStrictEqual(jsonBody(first), {
			webhookUrl: MOVED_URL,
			authType: 'bearer',
			authorization: ctx.secrets.webhookSecret,
		});
		assert.deepStrictEqual(
			jsonBody(second),
			{ webhookUrl: MOVED_AGAIN_URL },
			'only the field that was set',
		);
		const seeded = first.integrationAfter;
		for (const r of [first, second]) {
			assert.equal(
				r.integrationAfter.signingSecret,
				ctx.secrets.signingSecret,
				'Update keeps the signing secret',
			);
			assert.equal(r.integrationAfter.id, seeded.id, 'the same integration');
		}

		const [updated] = nodeItems(result, 'Update URL and auth');
		const after1 = first.integrationAfter;
		assert.deepStrictEqual(updated, {
			id: after1.id,
			brainId: after1.brainId,
			webhookUrl: MOVED_URL,
			authType: 'bearer',
			createdAt: after1.createdAt,
			updatedAt: after1.updatedAt,
		});
		const [urlOnly] = nodeItems(result, 'Update URL only');
		assert.equal(urlOnly.webhookUrl, MOVED_AGAIN_URL);
		assert.equal(urlOnly.authType, 'bearer', 'the auth type set before stays');
		for (const item of [updated, urlOnly]) {
			const text = JSON.stringify(item);
			assert.ok(
				!text.includes(ctx.secrets.webhookSecret) && !text.includes(ctx.secrets.signingSecret),
				'no secret in the output',
			);
		}

		const nothing = nodeRawItems(result, 'Update nothing');
		assert.equal(nothing.length, 1);
		assert.deepStrictEqual(Object.keys(nothing[0].json), ['error']);
		assert.match(nothing[0].json.error, /Update Fields/, 'the error says what to set');
		const [got] = nodeItems(result, 'Get after update');
		assert.equal(got.webhookUrl, MOVED_AGAIN_URL);
		assert.equal(got.authType, 'bearer');
	});

	test('Integration → Delete: { deleted: true, projectId }, no integration left; a second Delete and a Get are 404s that name the project', async () => {
		ctx.requireSetup();
		const { result } = await integrationRun();
		const calls = await integrationCalls();
		const deletes = calls.filter((r) => r.method === 'DELETE');
		assert.deepStrictEqual(
			deletes.map((r) => r.body),
			['', ''],
			'DELETE has no body',
		);
		assert.equal(deletes[0].integrationAfter, null, 'the sandbox has no integration after Delete');
		assert.deepStrictEqual(nodeItems(result, 'Delete'), [{ deleted: true, projectId: PROJECT }]);
		assert.deepStrictEqual(nodeItems(result, 'Delete again'), [{ error: NOT_FOUND }]);
		assert.deepStrictEqual(nodeItems(result, 'Get after delete'), [{ error: NOT_FOUND }]);
	});

	test('Integration → Create, Get and Update on bare answers (no envelope): the new signing secret, the integration, the same secret after Update', async () => {
		ctx.requireSetup();
		const { result } = await integrationRun();
		const calls = await integrationCalls();
		const post = calls.find((r) => r.method === 'POST');
		const created = nodeItems(result, 'Create (bare answer)');
		assert.equal(created.length, 1);
		const stored = post.integrationAfter;
		assert.match(created[0].signingSecret, /^[0-9a-f]{64}$/);
		assert.equal(
			created[0].signingSecret,
			stored.signingSecret,
			'the secret the sandbox now verifies with',
		);
		assert.equal(created[0].id, stored.id);
		assert.equal(created[0].brainId, stored.brainId);
		assert.equal(created[0].webhookUrl, BARE_URL);
		assert.equal(created[0].authType, 'no_auth');
		assert.match(created[0].createdAt, ISO_MS);
		assert.match(created[0].notice, /signingSecret/);

		const [got] = nodeItems(result, 'Get (bare answer)');
		assert.deepStrictEqual(got, {
			id: stored.id,
			brainId: stored.brainId,
			webhookUrl: BARE_URL,
			authType: 'no_auth',
			createdAt: stored.createdAt,
			updatedAt: stored.updatedAt,
		});

		const patch = calls[calls.length - 1];
		assert.equal(patch.method, 'PATCH');
		assert.deepStrictEqual(jsonBody(patch), {
			authType: 'api_key',
			authorization: ctx.secrets.webhookSecret,
		});
		const [updated] = nodeItems(result, 'Update (bare answer)');
		assert.deepStrictEqual(updated, {
			id: stored.id,
			brainId: stored.brainId,
			webhookUrl: BARE_URL,
			authType: 'api_key',
			createdAt: stored.createdAt,
			updatedAt: patch.integrationAfter.updatedAt,
		});
		assert.equal(
			patch.integrationAfter.signingSecret,
			created[0].signingSecret,
			'Update kept the new secret',
		);
		assert.ok(!JSON.stringify(updated).includes(ctx.secrets.webhookSecret));
		// The last step put the sandbox back to envelope answers.
		assert.equal(ctx.sb.config.integrationShape, 'envelope');
	});
}

module.exports = { workflows, define };
