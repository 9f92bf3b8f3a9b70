'use strict';
// "Register Webhook in Jelou" of the Jelou Trigger, in the running server: activation and
// deactivation through n8n's REST API (the editor's toggle in 1.x, Publish in 2.x), checked
// against the sandbox's final state.
//  - Path 1, the project already has an integration (the company's panel): activation points it
//    at the trigger with PATCH and never creates one; the signing secret never changes;
//    deactivation PATCHes the previous URL and auth type back.
//  - Path 2, the project has none: activation creates it (POST) and the trigger verifies events
//    with the secret Jelou returned; deactivation DELETEs it; no activation ever creates a second
//    one over a live integration.

const assert = require('node:assert/strict');

const { httpRequest } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { PROJECT, waitFor, jsonBody } = require('./setup');

const WF_EXISTING = 'JelouE2eRegExis1';
const WF_NEW = 'JelouE2eRegNew01';
const WF_FAILING = 'JelouE2eRegFail1';
const INTEGRATION_PATH = `/jelouapi/v1/external-support/${PROJECT}`;
// The project's integration before the trigger is activated: the company's own panel.
const PANEL = {
	webhookUrl: 'https://panel.example.com/jelou/events',
	authType: 'api_key',
	authorization: 'panel-api-key-e2e',
};

const hookIds = (ctx) => ({
	existing: wf.webhookUuid(`register-existing-${ctx.rt.line}`),
	created: wf.webhookUuid(`register-new-${ctx.rt.line}`),
	failing: wf.webhookUuid(`register-failing-${ctx.rt.line}`),
});

function registeringWorkflow(ctx, id, name, webhookId) {
	return wf.workflow({
		id,
		name,
		nodes: [
			wf.jelouTrigger({
				credential: ctx.creds.sign,
				webhookId,
				events: ['conversation.close'],
				registration: { projectId: PROJECT },
				position: [0, 0],
			}),
			wf.noOp('Closed event', [220, 0]),
		],
		connections: wf.chain('Jelou Trigger', 'Closed event'),
	});
}

function workflows(ctx) {
	const ids = hookIds(ctx);
	return [
		registeringWorkflow(
			ctx,
			WF_EXISTING,
			'e2e register webhook: project with an integration',
			ids.existing,
		),
		registeringWorkflow(
			ctx,
			WF_NEW,
			'e2e register webhook: project without an integration',
			ids.created,
		),
		registeringWorkflow(ctx, WF_FAILING, 'e2e register webhook: Jelou fails', ids.failing),
	];
}

function define(ctx) {
	/** Integration-path requests since the last reset, as "METHOD status". */
	const integrationCalls = () => ctx.sb.requests.filter((r) => r.path === INTEGRATION_PATH);
	const summary = () => integrationCalls().map((r) => `${r.method} ${r.status}`);

	/**
	 * n8n 2.x publishes and unpublishes in the background (a publication outbox): the REST call
	 * answers first, the trigger's hooks run after. Wait until its publication status is no
	 * longer "in_progress" and return it; n8n 1.x runs the hooks before answering and has no
	 * such route (null).
	 */
	async function settled(rest, id) {
		const url = `/rest/workflows/${encodeURIComponent(id)}/publication-status`;
		const first = await rest.request('GET', url);
		if (first.status === 404) return null;
		return await waitFor(
			`the publication of ${id} to settle`,
			async () => {
				const r = await rest.request('GET', url);
				assert.equal(r.status, 200, `GET ${url}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
				const status = r.json && r.json.data;
				return status && status.status !== 'in_progress' ? status : undefined;
			},
			{ timeoutMs: 60_000 },
		);
	}

	/** Activate through the REST API and wait until the trigger is registered and its webhook answers. */
	async function activate(rest, server, id, webhookId) {
		const activated = await rest.activateWorkflow(id);
		assert.ok(
			activated && (activated.active === true || activated.activeVersionId),
			`workflow ${id} is active`,
		);
		const publication = await settled(rest, id);
		if (publication)
			assert.equal(
				publication.status,
				'published',
				`publication of ${id}: ${JSON.stringify(publication)}`,
			);
		const hookUrl = `${server.url}/webhook/${webhookId}/jelou`;
		await waitFor(`the webhook ${hookUrl} to be registered`, async () => {
			const r = await httpRequest('POST', hookUrl, { body: {} });
			return r.status === 404 ? undefined : r;
		});
		return hookUrl;
	}

	/** Deactivate through the REST API and wait until the trigger's webhook is gone (its delete hook ran before). */
	async function deactivate(rest, server, id, webhookId) {
		const r = await rest.deactivateWorkflow(id);
		assert.equal(r.status, 200, `deactivating ${id}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
		await settled(rest, id);
		const hookUrl = `${server.url}/webhook/${webhookId}/jelou`;
		await waitFor(
			`the webhook ${hookUrl} to be removed`,
			async () => {
				const probe = await httpRequest('POST', hookUrl, { body: {} });
				return probe.status === 404 ? probe : undefined;
			},
			{ timeoutMs: 60_000 },
		);
	}

	/** A signed conversation.close from the sandbox to the integration's URL; the trigger must accept it. */
	async function eventAccepted(rest, workflowId, what) {
		const before = (await rest.executions(workflowId)).length;
		const sent = await ctx.sb.emit({ event: 'conversation.close' });
		assert.equal(
			sent.status,
			200,
			`${what}: the trigger answered ${sent.status} ${sent.body || sent.error}`,
		);
		await waitFor(`the execution of ${what}`, async () => {
			const list = await rest.executions(workflowId);
			return list.length > before && list.every((e) => e.status !== 'running' && e.status !== 'new')
				? list
				: undefined;
		});
		const [latest] = await rest.executions(workflowId);
		assert.equal(latest.status, 'success', `${what}: execution ${latest.id} is ${latest.status}`);
	}

	ctx.serverTest(
		"Register Webhook in Jelou, project with an integration: activation PATCHes it to the trigger (never POST), events pass with the credential's signing secret, deactivation PATCHes the previous URL and auth type back; the secret never changes",
		async ({ server, rest }) => {
			const { sb, secrets } = ctx;
			const webhookId = hookIds(ctx).existing;
			sb.reset();
			sb.setIntegration({ ...PANEL, signingSecret: secrets.signingSecret });
			const panel = sb.integration;

			for (const round of [1, 2]) {
				const hookUrl = await activate(rest, server, WF_EXISTING, webhookId);
				const active = sb.integration;
				assert.ok(active, `round ${round}: the integration is still there`);
				assert.equal(active.webhookUrl, hookUrl, `round ${round}: it points at the trigger`);
				assert.equal(
					active.authType,
					'bearer',
					`round ${round}: with the bearer token the trigger checks`,
				);
				assert.equal(
					active.signingSecret,
					secrets.signingSecret,
					`round ${round}: same signing secret after activation`,
				);
				assert.equal(active.id, panel.id, `round ${round}: the same integration`);
				const patches = integrationCalls().filter((r) => r.method === 'PATCH');
				assert.ok(
					patches.length >= 1,
					`round ${round}: activation PATCHed (calls: ${summary().join(', ')})`,
				);
				const body = jsonBody(patches[patches.length - 1]);
				assert.equal(body.webhookUrl, hookUrl);
				assert.equal(body.authType, 'bearer');
				assert.equal(typeof body.authorization, 'string');
				assert.ok(body.authorization.length >= 16, 'a real token');

				await eventAccepted(rest, WF_EXISTING, `round ${round}: a signed close event`);

				await deactivate(rest, server, WF_EXISTING, webhookId);
				const restored = sb.integration;
				assert.ok(restored, `round ${round}: deactivation did not delete the panel's integration`);
				assert.equal(
					restored.webhookUrl,
					PANEL.webhookUrl,
					`round ${round}: previous URL restored`,
				);
				assert.equal(
					restored.authType,
					PANEL.authType,
					`round ${round}: previous auth type restored`,
				);
				assert.equal(
					restored.signingSecret,
					secrets.signingSecret,
					`round ${round}: same signing secret after deactivation`,
				);
				assert.equal(restored.id, panel.id);
				const last = integrationCalls()
					.filter((r) => r.method === 'PATCH')
					.pop();
				assert.deepStrictEqual(
					{ webhookUrl: jsonBody(last).webhookUrl, authType: jsonBody(last).authType },
					{ webhookUrl: PANEL.webhookUrl, authType: PANEL.authType },
				);
			}
			assert.deepStrictEqual(
				integrationCalls()
					.filter((r) => r.method === 'POST' || r.method === 'DELETE')
					.map((r) => `${r.method} ${r.status}`),
				[],
				`never created or deleted (calls: ${summary().join(', ')})`,
			);
			assert.ok(
				integrationCalls().every((r) => r.status < 300),
				`every call succeeded: ${summary().join(', ')}`,
			);
		},
	);

	ctx.serverTest(
		'Register Webhook in Jelou, project without an integration: activation POSTs one (events pass with its new secret), activating again or restarting n8n creates none over it, deactivation DELETEs it: no integration left',
		async ({ server, rest }) => {
			const { sb, secrets } = ctx;
			const webhookId = hookIds(ctx).created;
			sb.reset();
			sb.clearIntegration();

			const hookUrl = await activate(rest, server, WF_NEW, webhookId);
			const created = sb.integration;
			assert.ok(created, `activation created the integration (calls: ${summary().join(', ')})`);
			assert.equal(created.webhookUrl, hookUrl);
			assert.equal(created.authType, 'bearer');
			assert.notEqual(
				created.signingSecret,
				secrets.signingSecret,
				"Jelou's new secret, not the credential's",
			);
			assert.deepStrictEqual(
				integrationCalls()
					.filter((r) => r.method === 'POST')
					.map((r) => r.status),
				[201],
				`exactly one create (calls: ${summary().join(', ')})`,
			);
			// Signed with the new secret: the trigger verifies with the secret it kept, not the credential's.
			await eventAccepted(rest, WF_NEW, 'a close event signed with the new secret');

			// Activating the active workflow again (a second click, or n8n re-registering it).
			const again = await rest.tryActivateWorkflow(WF_NEW);
			await settled(rest, WF_NEW);
			console.log(
				`activating the active workflow again: HTTP ${again.status}; integration calls so far: ${summary().join(', ')}`,
			);
			const now = sb.integration;
			assert.ok(now, 'an integration is there');
			assert.equal(now.webhookUrl, hookUrl);
			const posts = integrationCalls().filter((r) => r.method === 'POST');
			assert.ok(
				posts.every((r) => r.status === 201),
				`no create replaced a live integration (the sandbox answers 200 to a create over an existing one): ${summary().join(', ')}`,
			);
			if (!integrationCalls().some((r) => r.method === 'DELETE')) {
				assert.equal(now.signingSecret, created.signingSecret, 'the same integration and secret');
			}
			await eventAccepted(rest, WF_NEW, 'a close event after activating again');

			// n8n restarting registers the active workflow again: nothing new is created either.
			const restarted = await ctx.restartServer();
			await settled(restarted.rest, WF_NEW);
			await waitFor(`the webhook ${hookUrl} after the restart`, async () => {
				const r = await httpRequest('POST', hookUrl, { body: {} });
				return r.status === 404 ? undefined : r;
			});
			console.log(`after restarting n8n: integration calls so far: ${summary().join(', ')}`);
			assert.ok(
				integrationCalls()
					.filter((r) => r.method === 'POST')
					.every((r) => r.status === 201),
				`no create replaced a live integration after the restart: ${summary().join(', ')}`,
			);
			assert.ok(
				sb.integration && sb.integration.webhookUrl === hookUrl,
				'the integration still points at the trigger',
			);
			if (!integrationCalls().some((r) => r.method === 'DELETE')) {
				assert.equal(
					sb.integration.signingSecret,
					created.signingSecret,
					'the same secret after the restart',
				);
			}
			await eventAccepted(restarted.rest, WF_NEW, 'a close event after the restart');

			await deactivate(restarted.rest, restarted.server, WF_NEW, webhookId);
			assert.equal(
				sb.integration,
				null,
				`deactivation deleted the integration (calls: ${summary().join(', ')})`,
			);
			const calls = integrationCalls();
			assert.equal(
				`${calls[calls.length - 1].method} ${calls[calls.length - 1].status}`,
				'DELETE 200',
			);
			assert.equal(calls[calls.length - 1].body, '', 'DELETE has no body');
			const creates = calls.filter((r) => r.method === 'POST').length;
			const deletes = calls.filter((r) => r.method === 'DELETE' && r.status === 200).length;
			assert.equal(creates, deletes, `each create was deleted again: ${summary().join(', ')}`);
		},
	);

	ctx.serverTest(
		'Register Webhook in Jelou: when Jelou fails, activation fails with a clear error and Jelou is left as it was',
		async ({ server, rest }) => {
			const { sb } = ctx;
			sb.reset();
			sb.clearIntegration();
			sb.configure({ errorRate: 1 });
			let publication;
			try {
				const r = await rest.tryActivateWorkflow(WF_FAILING);
				publication = await settled(rest, WF_FAILING);
				let message;
				if (publication) {
					// 2.x: the publish call succeeds; the trigger's activation fails in the background.
					assert.equal(r.status, 200, r.text.slice(0, 300));
					assert.equal(publication.status, 'failed', `publication: ${JSON.stringify(publication)}`);
					message = publication.triggers.map((t) => t.errorMessage).join(' | ');
				} else {
					assert.notEqual(r.status, 200, `activation must fail: ${r.text.slice(0, 300)}`);
					message = (r.json && r.json.message) || r.text;
				}
				assert.match(message, /Jelou/, `the activation error names Jelou: ${message}`);
				assert.ok(integrationCalls().length >= 1, 'the trigger asked Jelou');
				assert.equal(sb.integration, null, 'no integration was left behind');
				assert.equal(
					(
						await httpRequest('POST', `${server.url}/webhook/${hookIds(ctx).failing}/jelou`, {
							body: {},
						})
					).status,
					404,
					'no webhook is registered',
				);
				if (publication) {
					// Unpublish while Jelou still fails, so that n8n's background reconciliation cannot
					// retry the activation once the faults are off.
					await deactivate(rest, server, WF_FAILING, hookIds(ctx).failing);
				} else {
					const wfState = await rest.getData(`/rest/workflows/${WF_FAILING}`);
					assert.ok(!wfState.active, 'the workflow is not active');
				}
			} finally {
				sb.configure({ errorRate: 0 });
			}
			assert.equal(sb.integration, null, 'still no integration');
		},
	);
}

module.exports = { workflows, define };
