'use strict';
// The credential's Test button, in the running server: n8n's REST endpoint the editor calls
// (POST /rest/credentials/test), for both schemes, a wrong key, and a project without an
// integration.

const assert = require('node:assert/strict');

const { PROJECT } = require('./setup');

function define(ctx) {
	ctx.serverTest(
		'the editor lists the node and the credential Test works for both schemes',
		async ({ rest }) => {
			const jelouTypes = (await rest.nodeTypes()).filter(
				(t) => t.name && t.name.startsWith('n8n-nodes-jelou.'),
			);
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
			assert.deepStrictEqual(
				(await testCred(ctx.creds.key)).status,
				'OK',
				'API key credential test',
			);
			assert.deepStrictEqual(
				(await testCred(ctx.creds.basic)).status,
				'OK',
				'Basic credential test',
			);
			const wrong = await testCred({
				...ctx.creds.key,
				data: { ...ctx.creds.key.data, apiKey: 'wrong-key' },
			});
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
			for (const p of probes.slice(2))
				assert.equal(p, `GET /jelouapi/v1/external-support/${PROJECT} 401 invalid`);
		},
	);

	ctx.serverTest(
		'the credential Test in the running server: a valid key on a project without an integration passes and says so; a wrong key and a wrong client secret fail with our own messages',
		async ({ rest }) => {
			const { sb } = ctx;
			const testCred = async (cred) => {
				const r = await rest.request('POST', '/rest/credentials/test', {
					credentials: { id: cred.id, name: cred.name, type: cred.type, data: cred.data },
				});
				assert.equal(r.status, 200, `credentials/test HTTP ${r.status}: ${r.text.slice(0, 300)}`);
				return r.json.data;
			};
			sb.reset();
			sb.clearIntegration();
			try {
				for (const cred of [ctx.creds.key, ctx.creds.basic]) {
					const ok = await testCred(cred);
					assert.equal(
						ok.status,
						'OK',
						`${cred.name} on a project without an integration: ${ok.message}`,
					);
					// The key is valid, and the project has no integration yet (with what to do).
					assert.equal(
						ok.message,
						`Jelou accepted the credentials. Project '${PROJECT}' has no External Support integration yet: create one with the Jelou node (Integration → Create), or let the Jelou Trigger register its webhook.`,
					);
				}
				const probes = sb.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`);
				assert.deepStrictEqual(probes, [
					`GET /jelouapi/v1/external-support/${PROJECT} 404 api_key`,
					`GET /jelouapi/v1/external-support/${PROJECT} 404 basic`,
				]);

				sb.reset();
				const wrongKey = await testCred({
					...ctx.creds.key,
					data: { ...ctx.creds.key.data, apiKey: 'wrong-key' },
				});
				const wrongBasic = await testCred({
					...ctx.creds.basic,
					data: { ...ctx.creds.basic.data, clientSecret: 'wrong-secret' },
				});
				for (const [label, res] of [
					['wrong API key', wrongKey],
					['wrong client secret', wrongBasic],
				]) {
					assert.equal(res.status, 'Error', `${label} fails the test`);
					// Our message, not n8n's generic "Authorization failed - please check your credentials".
					assert.equal(
						res.message,
						'Jelou rejected these credentials (HTTP 401). Check the API key, or the client ID and client secret.',
						label,
					);
					assert.ok(
						!res.message.includes('wrong-key') && !res.message.includes('wrong-secret'),
						`${label}: no secret in the message`,
					);
				}
				assert.ok(
					sb.requests.length >= 2 && sb.requests.every((r) => r.status === 401),
					'both were probed and refused',
				);
			} finally {
				sb.setIntegration(ctx.seedIntegration);
			}
		},
	);
}

module.exports = { define };
