'use strict';
// The end-to-end suite, run once per pinned n8n line (see tools/e2e/tests/).
//
// A real n8n loads the packed n8n-nodes-jelou from $N8N_USER_FOLDER/.n8n/nodes,
// runs imported workflows headlessly (`n8n execute`) against the in-process
// Jelou sandbox, and once in server mode (`n8n start`) for the credential test
// and the Jelou Trigger (an active workflow receiving the sandbox's signed events), and every
// example workflow of examples/ (features/examples.js, checks in scenarios/).
//
// The tests live in tools/e2e/features/, one file per feature; tools/e2e/features/setup.js holds the
// shared setup. To keep the run short, several scenarios share one workflow (and one `n8n
// execute`): HTTP Request nodes named "Sandbox: ..." switch the sandbox's faults between them
// through its control routes, and each scenario has its own test.

const { describe, after, test } = require('node:test');

const { getRuntime } = require('../harness/runtime');
const { installHooks } = require('../harness/procs');
const { createContext } = require('./features/setup');
const conversation = require('./features/conversation');
const faults = require('./features/faults');
const operations = require('./features/operations');
const history = require('./features/history');
const integration = require('./features/integration');
const credential = require('./features/credential');
const trigger = require('./features/trigger');
const registration = require('./features/registration');
const examples = require('./features/examples');
const media = require('./features/media');
const secrets = require('./features/secrets');

function defineSuite(line) {
	const rt = getRuntime(line);
	const title = `n8n ${rt.n8nVersion} on Node ${rt.usesBundledNode ? rt.nodeVersion : process.version.slice(1)}`;
	installHooks();

	describe(title, { timeout: 25 * 60_000 }, () => {
		const ctx = createContext(rt, [
			conversation,
			faults,
			operations,
			history,
			integration,
			trigger,
			registration,
			media,
		]);

		after(async () => {
			if (ctx.n8n) await ctx.n8n.dispose({ keep: !!process.env.E2E_KEEP });
			if (ctx.sb) await ctx.sb.close();
		});

		test(`setup: ${rt.name} installed, sandbox up, package installed into .n8n/nodes, credentials and workflows imported`, () => {
			if (ctx.setupError) throw ctx.setupError;
			console.log(
				`setup took ${(ctx.setupMs / 1000).toFixed(1)} s (user folder ${ctx.n8n.userFolder})`,
			);
		});

		conversation.define(ctx);
		faults.define(ctx);
		operations.define(ctx);
		history.define(ctx);
		integration.define(ctx);

		describe('server mode (n8n start, one server for these tests)', () => {
			after(async () => {
				if (ctx.n8n) await ctx.n8n.stopServer();
			});
			credential.define(ctx);
			trigger.define(ctx);
			registration.define(ctx);
			examples.define(ctx);
			// Last: its second test restarts the server in filesystem binary mode.
			media.define(ctx);
		});

		secrets.define(ctx);
	});
}

module.exports = {
	defineSuite,
	EXPECTED_RAW: conversation.EXPECTED_RAW,
	EXPECTED_SIMPLE: conversation.EXPECTED_SIMPLE,
};
