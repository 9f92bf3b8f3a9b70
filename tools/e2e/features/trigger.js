'use strict';
// The Jelou Trigger in the running server: activated through n8n's REST API, it receives the
// sandbox's signed events.

const assert = require('node:assert/strict');

const { httpRequest, sleep } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { PROJECT, ISO_MS, waitFor } = require('./setup');
const { OPS_BOT } = require('./operations');

const WF_TRIGGER = 'JelouE2eTrigger1';
const TRIGGER_USER = 'user-e2e-trigger';
const TRIGGER_CLOSING = 'Conversation closed from the e2e test';

function workflows(ctx) {
	return [
		wf.workflow({
			id: WF_TRIGGER,
			name: 'e2e Jelou Trigger: conversation closed',
			nodes: [
				wf.jelouTrigger({
					credential: ctx.creds.sign,
					webhookId: ctx.triggerWebhookId,
					events: ['conversation.close'],
					position: [0, 0],
				}),
				wf.noOp('Closed event', [220, 0]),
			],
			connections: wf.chain('Jelou Trigger', 'Closed event'),
		}),
	];
}

function define(ctx) {
	ctx.serverTest(
		'Jelou Trigger (Conversation Closed), active: a signed close from the sandbox starts one execution with the event item; forged, replayed and unselected events start none',
		async ({ server, rest }) => {
			const hookUrl = `${server.url}/webhook/${ctx.triggerWebhookId}/jelou`;

			// Activate at runtime, as the editor's toggle (1.x) / Publish (2.x) does, then wait
			// until the production webhook answers: an unsigned POST gets the trigger's own 401,
			// an unregistered path n8n's 404.
			const activated = await rest.activateWorkflow(WF_TRIGGER);
			assert.ok(
				activated && (activated.active === true || activated.activeVersionId),
				'the workflow is active',
			);
			const t = Date.now();
			const probe = await waitFor(`the webhook ${hookUrl} to be registered`, async () => {
				const r = await httpRequest('POST', hookUrl, { body: {} });
				return r.status === 404 ? undefined : r;
			});
			assert.equal(probe.status, 401, `unsigned POST: ${probe.status} ${probe.text.slice(0, 200)}`);
			assert.deepStrictEqual(probe.json, { error: 'Missing X-Jelou-Signature header' });
			console.log(
				`webhook registered ${((Date.now() - t) / 1000).toFixed(1)} s after activation: ${hookUrl}`,
			);

			// Jelou's side: the integration points at the production URL, with the signing
			// secret that the trigger's credential holds.
			ctx.sb.reset();
			ctx.sb.setIntegration({
				webhookUrl: hookUrl,
				authType: 'no_auth',
				signingSecret: ctx.secrets.signingSecret,
			});
			const api = async (leaf, body) => {
				const r = await httpRequest(
					'POST',
					`${ctx.sb.baseUrl}/external-support/${PROJECT}/conversations/${leaf}`,
					{
						body,
						headers: { 'x-api-key': ctx.secrets.apiKey },
					},
				);
				assert.equal(r.status, 200, `sandbox ${leaf}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
				return r.json.data;
			};
			const delivered = (event, convId) =>
				waitFor(`the sandbox's ${event} delivery`, () =>
					ctx.sb.webhookDeliveries.find(
						(d) => d.event === event && JSON.parse(d.payload).conversation.id === convId,
					),
				);

			// 1. Forged: signed with another secret.
			const forged = await ctx.sb.emit({
				event: 'conversation.close',
				signingSecret: 'not-the-signing-secret',
			});
			assert.equal(forged.status, 401, `forged event: ${forged.status} ${forged.body}`);
			assert.deepStrictEqual(JSON.parse(forged.body), { error: 'Invalid X-Jelou-Signature' });
			// 2. Replayed: correctly signed but ten minutes old (Max Event Age 300 s).
			const replayed = await ctx.sb.emit({
				event: 'conversation.close',
				timestamp: Date.now() - 10 * 60_000,
			});
			assert.equal(replayed.status, 401, `replayed event: ${replayed.status} ${replayed.body}`);
			// 3. Not selected: the Start below makes the sandbox send a signed conversation.start.
			const conv = await api('start', { botId: OPS_BOT, userId: TRIGGER_USER });
			const startDelivery = await delivered('conversation.start', conv._id);
			assert.equal(
				startDelivery.status,
				200,
				`conversation.start: ${startDelivery.status} ${startDelivery.error || startDelivery.responseBody}`,
			);
			assert.match(startDelivery.responseBody, /not selected/);
			// 4. The real one: closing the conversation through the API sends a signed conversation.close.
			await api('close', {
				botId: OPS_BOT,
				userId: TRIGGER_USER,
				redirectPayload: { type: 'text', text: TRIGGER_CLOSING },
			});
			const closeDelivery = await delivered('conversation.close', conv._id);
			assert.equal(
				closeDelivery.status,
				200,
				`conversation.close: ${closeDelivery.status} ${closeDelivery.error || closeDelivery.responseBody}`,
			);
			assert.ok(
				closeDelivery.signature && closeDelivery.signature.startsWith('sha256='),
				'the sandbox signed it',
			);

			const finished = await waitFor('the execution of the close event', async () => {
				const list = await rest.executions(WF_TRIGGER);
				return list.length > 0 && list.every((e) => e.status !== 'running' && e.status !== 'new')
					? list
					: undefined;
			});
			await sleep(500); // anything else would have started by now
			const list = await rest.executions(WF_TRIGGER);
			assert.deepStrictEqual(
				list.map((e) => `${e.mode} ${e.status}`),
				['webhook success'],
				'exactly one execution: forged, replayed, unselected and probe requests started none',
			);
			assert.equal(finished[0].id, list[0].id);

			const exec = await rest.execution(list[0].id);
			const runData = exec.data.resultData.runData;
			const item = runData['Jelou Trigger'][0].data.main[0][0].json;
			const sent = JSON.parse(closeDelivery.payload);
			assert.equal(item.event, 'conversation.close');
			assert.equal(item._id, conv._id);
			assert.equal(item.projectId, PROJECT);
			assert.match(item.timestamp, ISO_MS);
			assert.equal(item.timestamp, new Date(sent.timestamp).toISOString());
			assert.deepStrictEqual(
				{ ...item, timestamp: undefined },
				{
					event: 'conversation.close',
					timestamp: undefined,
					projectId: PROJECT,
					_id: conv._id,
					roomId: conv.roomId,
					state: 'closed',
					endedReason: 'closed_by_operator',
					User: { id: TRIGGER_USER, names: TRIGGER_USER },
					Bot: { id: OPS_BOT, name: 'Support Bot' },
					closingMessage: { type: 'text', text: TRIGGER_CLOSING },
					payload: sent,
				},
			);
			assert.deepStrictEqual(
				runData['Closed event'][0].data.main[0].map((i) => i.json),
				[item],
				'the next node got the item',
			);
		},
	);
}

module.exports = { workflows, define };
