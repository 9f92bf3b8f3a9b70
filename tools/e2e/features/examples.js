'use strict';
// Every example workflow of examples/*.json, in the running server (the one `n8n start` the
// server-mode tests share): imported as a user imports it (tools/harness/examples.js), activated,
// fed signed events by the sandbox, and checked at the far end, a capture server that stands in
// for the CRM and chat URLs (tools/harness/capture.js).
//
// The examples are found by listing examples/*.json: a new one is picked up without editing this
// file. Its behaviour check lives in tools/e2e/scenarios/<example name>.js, which exports:
//   title                       what the check proves (the test's name)
//   async prepare(ctx, rest)    optional: start extra local servers (say, a model server) and create
//                               the other credentials the example needs; resolves
//                               { credentials: { <node type>: { id, name, type } }, close(),
//                                 received(): { <where>: text } (what those servers received),
//                                 ...anything the check needs (it gets it as run.prepared) }
//   async check(run)            the check; `run` is described at `runOf` below
// After every check, no secret of the suite may appear in what reached the capture server, nor in
// what the scenario's own servers received (`received()`).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, test, before, after } = require('node:test');

const { httpRequest } = require('../../harness/n8n');
const { startCaptureServer } = require('../../harness/capture');
const {
	listExamples,
	asUserEdits,
	importLikeEditor,
	createCredential,
} = require('../../harness/examples');
const wf = require('../../harness/workflows');
const { waitFor, PROJECT } = require('./setup');
const { assertNoSecret, jelouSecrets } = require('./secrets');

const SCENARIOS = path.join(__dirname, '..', 'scenarios');
/** The example imported several times (any example with a Jelou Trigger would do). */
const TWICE = 'new-conversation-notify-team';

function scenarioOf(name) {
	const file = path.join(SCENARIOS, `${name}.js`);
	return fs.existsSync(file) ? require(file) : undefined;
}

function define(ctx) {
	const examples = listExamples();
	let capture;
	let jelouCredential; // created in the editor's credential form, as a user does
	const prepared = [];

	describe('examples/*.json, imported as a user imports them, activated and fed signed events', () => {
		let startedAt;
		before(async () => {
			startedAt = Date.now();
			capture = await startCaptureServer();
			if (ctx.setupError) return;
			const { rest } = await ctx.serverSession();
			// Client ID and Secret: the examples that read the chat history need them (Jelou documents
			// only Basic there, and so does the sandbox); the other endpoints take either scheme.
			const { name, type, data } = wf.jelouCredential({
				id: 'unused',
				name: 'Jelou (examples)',
				authType: 'basic',
				clientId: ctx.secrets.clientId,
				clientSecret: ctx.secrets.clientSecret,
				baseUrl: ctx.sb.baseUrl,
				apiBaseUrl: ctx.sb.apiBaseUrl,
				projectId: PROJECT,
				messagingBaseUrl: ctx.sb.messagingBaseUrl,
				signingSecret: ctx.secrets.signingSecret,
			});
			jelouCredential = await createCredential(rest, { name, type, data });
		});
		after(async () => {
			for (const p of prepared) if (p.close) await p.close();
			if (capture) await capture.close();
			const secs = ((Date.now() - startedAt) / 1000).toFixed(1);
			console.log(`examples: ${examples.length} example(s) and the double import took ${secs} s`);
		});

		/**
		 * The README's edits, the editor's import (or, with `editor: false`, the file saved as it
		 * is), activation; resolves the copy with its Production URL.
		 * @param {any} example
		 * @param {{ otherCredentials?: any[], editor?: boolean }} [opts]
		 */
		async function importAndActivate(example, { otherCredentials, editor = true } = {}) {
			const { server, rest } = await ctx.serverSession();
			const edited = asUserEdits(example.workflow, {
				jelouCredential,
				otherCredentials,
				urlFor: capture.urlFor,
				ownWebhookId: !editor,
			});
			const saved = await importLikeEditor(rest, edited, { editor });
			const triggers = saved.nodes.filter((n) => n.type === 'n8n-nodes-jelou.jelouTrigger');
			assert.equal(triggers.length, 1, `${example.file} has one Jelou Trigger`);
			const { webhookId } = triggers[0];
			assert.match(String(webhookId), /^[0-9a-f-]{36}$/, 'the imported trigger has a webhookId');
			const activated = await rest.activateWorkflow(saved.id);
			assert.ok(activated && (activated.active === true || activated.activeVersionId));
			const hookUrl = `${server.url}/webhook/${webhookId}/jelou`;
			// An unsigned POST gets the trigger's own 401 once the webhook is registered (404 before).
			const probe = await waitFor(`the webhook ${hookUrl}`, async () => {
				const r = await httpRequest('POST', hookUrl, { body: {} });
				return r.status === 404 ? undefined : r;
			});
			assert.equal(probe.status, 401, `${hookUrl}: ${probe.status} ${probe.text.slice(0, 200)}`);
			return { workflow: saved, webhookId, hookUrl, rest };
		}

		/**
		 * What a scenario gets: the imported copy (`workflow`, `hookUrl`), the capture server, and
		 * `deliver(emit)`, which points the sandbox's integration at this copy, has it send one
		 * signed event (`emit` as for sb.emit), expects the trigger's 200 and waits for the
		 * execution; resolves { sent, execution } (execution with its run data). `prepared` is
		 * what the scenario's `prepare` resolved.
		 */
		function runOf(example, copy, prepared = {}) {
			const { rest } = copy;
			const finished = async (n) =>
				waitFor(`${n} finished execution(s) of ${example.file}`, async () => {
					const list = await rest.executions(copy.workflow.id);
					return list.length >= n && list.every((e) => !['running', 'new'].includes(e.status))
						? list
						: undefined;
				});
			return {
				...copy,
				ctx,
				example,
				capture,
				prepared,
				executions: () => rest.executions(copy.workflow.id),
				async deliver(emit) {
					const before = (await rest.executions(copy.workflow.id)).length;
					ctx.sb.setIntegration({
						webhookUrl: copy.hookUrl,
						authType: 'no_auth',
						signingSecret: ctx.secrets.signingSecret,
					});
					const sent = await ctx.sb.emit(emit);
					assert.equal(sent.status, 200, `${emit.event}: ${sent.status} ${sent.body}`);
					const [latest] = await finished(before + 1);
					assert.equal(latest.status, 'success', `execution ${latest.id} of ${example.file}`);
					return { sent, execution: await rest.execution(latest.id) };
				},
			};
		}

		function assertNoSecretSent(extra = {}) {
			assertNoSecret(JSON.stringify(capture.requests), 'the capture server', jelouSecrets(ctx));
			const received = extra.received ? extra.received() : {};
			for (const [where, text] of Object.entries(received))
				assertNoSecret(text, where, jelouSecrets(ctx));
		}

		for (const example of examples) {
			const scenario = scenarioOf(example.name);
			let copy;
			let extra = {};
			test(
				`${example.file}: imported with only the README's edits, activated; its Production URL answers`,
				{ timeout: 3 * 60_000 },
				async () => {
					ctx.requireSetup();
					if (scenario?.prepare) {
						extra = await scenario.prepare(ctx, (await ctx.serverSession()).rest);
						prepared.push(extra);
					}
					copy = await importAndActivate(example, { otherCredentials: extra.credentials });
				},
			);
			if (scenario) {
				test(`${example.file}: ${scenario.title}`, { timeout: 3 * 60_000 }, async () => {
					ctx.requireSetup();
					assert.ok(copy, `${example.file} was not imported (see the test before)`);
					ctx.sb.resetData();
					capture.reset();
					await scenario.check(runOf(example, copy, extra));
					assertNoSecretSent(extra);
				});
			} else {
				// Fails on purpose: an example is only trusted once its behaviour is checked, and a
				// passing "not checked" line would go unread in CI. Importing and activating it (the
				// test before) still runs, so a broken file is found either way.
				test(`${example.file}: HAS NO BEHAVIOUR CHECK`, () => {
					assert.fail(
						`${example.file} has no behaviour check: add tools/e2e/scenarios/${example.name}.js (see tools/e2e/features/examples.js)`,
					);
				});
			}
		}

		test(
			`examples/${TWICE}.json imported twice in the editor and once through n8n's API (with the README's own webhookId): each copy has its own Production URL, all are active, each receives only its own events`,
			{ timeout: 3 * 60_000 },
			async () => {
				ctx.requireSetup();
				const example = examples.find((e) => e.name === TWICE);
				assert.ok(example, `examples/${TWICE}.json exists`);
				const copies = [
					await importAndActivate(example),
					await importAndActivate(example),
					// Without the editor (n8n's API or CLI) nothing gives the trigger a webhookId on
					// 1.123, and the URL n8n then derives from the node's name is unreachable when the
					// name has a space: examples/README.md has the user add one, as done here.
					await importAndActivate(example, { editor: false }),
				];
				const urls = copies.map((c) => c.hookUrl);
				assert.equal(new Set(urls).size, copies.length, `one Production URL per copy: ${urls}`);
				console.log(`${example.file} imported three times: ${urls.join(', ')}`);
				ctx.sb.resetData();
				capture.reset();
				const counts = () =>
					Promise.all(copies.map(async (c) => (await c.rest.executions(c.workflow.id)).length));
				for (const [i, copy] of copies.entries()) {
					const { execution } = await runOf(example, copy).deliver({
						event: 'conversation.start',
					});
					assert.equal(execution.workflowId, copy.workflow.id);
					assert.deepStrictEqual(
						await counts(),
						copies.map((_, j) => (j <= i ? 1 : 0)),
						`the event sent to copy ${i + 1} started copy ${i + 1} only`,
					);
				}
				assert.equal(capture.requests.length, copies.length, 'each copy posted its notice once');
				assertNoSecretSent();
			},
		);
	});
}

module.exports = { define };
