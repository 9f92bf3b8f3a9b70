'use strict';
// The AI stage (`npm run test:ai`), run once per pinned n8n line (see tools/e2e/tests/*.ai.test.js):
// the Jelou tool in n8n's AI Agent against the local model server (tools/model-server) and the
// Jelou sandbox, and over MCP. It shares the end-to-end suite's setup (tools/e2e/features/setup.js:
// sandbox, user folder, packed package, credentials, workflows); ./setup.js adds the model server.

const { describe, after, test } = require('node:test');

const { getRuntime } = require('../../harness/runtime');
const { installHooks } = require('../../harness/procs');
const { createContext } = require('../features/setup');
const aiSetup = require('./setup');
const agent = require('./agent');
const errors = require('./errors');
const mcp = require('./mcp');
const toolType = require('./tool-type');
const streaming = require('./streaming');
const secrets = require('./secrets');

function defineAiSuite(line) {
	const rt = getRuntime(line);
	const title = `AI: n8n ${rt.n8nVersion} on Node ${rt.usesBundledNode ? rt.nodeVersion : process.version.slice(1)}`;
	installHooks();

	describe(title, { timeout: 20 * 60_000 }, () => {
		const ctx = createContext(rt, [aiSetup, agent, errors, mcp, streaming]);

		after(async () => {
			if (ctx.n8n) await ctx.n8n.dispose({ keep: !!process.env.E2E_KEEP });
			if (ctx.model) await ctx.model.close();
			if (ctx.sb) await ctx.sb.close();
		});

		test(`setup: ${rt.name} installed, sandbox and model server up, package installed, credentials and workflows imported`, () => {
			if (ctx.setupError) throw ctx.setupError;
			console.log(
				`setup took ${(ctx.setupMs / 1000).toFixed(1)} s (user folder ${ctx.n8n.userFolder})`,
			);
		});

		agent.define(ctx);
		errors.define(ctx);

		describe('server mode (n8n start)', () => {
			after(async () => {
				if (ctx.n8n) await ctx.n8n.stopServer();
			});
			toolType.define(ctx);
			mcp.define(ctx);
			streaming.define(ctx);
		});

		secrets.define(ctx);
	});
}

module.exports = { defineAiSuite };
