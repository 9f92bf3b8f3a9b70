'use strict';
// The credential's Test button, in the running server: n8n's REST endpoint the editor calls
// (POST /rest/credentials/test), for both schemes, a wrong key, and a project without an
// integration.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { PROJECT } = require('./setup');

function define(ctx) {
	test('the editor lists the node and the credential Test works for both schemes', { timeout: 5 * 60_000 }, async () => {
		ctx.requireSetup();
		const { rest } = await ctx.serverSession();
		const types = await rest.request('GET', '/types/nodes.json');
		assert.equal(types.status, 200);
		const jelouTypes = (types.json || []).filter((t) => t.name && t.name.startsWith('n8n-nodes-jelou.'));
		for (const name of ['n8n-nodes-jelou.jelou', 'n8n-nodes-jelou.jelouTrigger']) {
			assert.ok(
				jelouTypes.some((t) => t.name === name),
				`the editor lists ${name} (found: ${jelouTypes.map((t) => t.name).join(', ') || 'none'})`,
			);
		}
		const testCred = async (cred) => {
			const r = await rest.request('POST', '/rest/credentials/test', {
				credentials: { id: cred.id, name: cred.name, type: cred.type, data: cred.data },
			});
			assert.equal(r.status, 200, `credentials/test HTTP ${r.status}: ${r.text.slice(0, 300)}`);
			return r.json.data;
		};
		ctx.sb.reset();
		ctx.sb.setIntegration(ctx.seedIntegration); // the probe reads the project's integration
		assert.deepStrictEqual((await testCred(ctx.creds.key)).status, 'OK', 'API key credential test');
		assert.deepStrictEqual((await testCred(ctx.creds.basic)).status, 'OK', 'Basic credential test');
		const wrong = await testCred({ ...ctx.creds.key, data: { ...ctx.creds.key.data, apiKey: 'wrong-key' } });
		assert.equal(wrong.status, 'Error', 'a wrong API key fails the test');
		// n8n answers its own 'Authorization failed - please check your credentials' for
		// a 401 (the credential's 401 rule message is not used by n8n 1.123 / 2.41).
		assert.match(wrong.message, /401|rejected|invalid|authorization failed/i);
		const probes = ctx.sb.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`);
		assert.deepStrictEqual(probes.slice(0, 2), [
			`GET /jelouapi/v1/external-support/${PROJECT} 200 api_key`,
			`GET /jelouapi/v1/external-support/${PROJECT} 200 basic`,
		]);
		// n8n's credential tester itself sends a 401-answered probe twice.
		assert.ok(probes.length >= 3, 'the wrong key was probed');
		for (const p of probes.slice(2)) assert.equal(p, `GET /jelouapi/v1/external-support/${PROJECT} 401 invalid`);
	});
}

module.exports = { define };
