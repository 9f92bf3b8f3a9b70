'use strict';
// The AI stage's part of the setup (a feature of tools/e2e/features/setup.js): the local model
// server (tools/model-server) with the scripts the AI features register, the OpenAI credential
// pointing at it, a Jelou credential with a wrong API key, and a helper that runs a workflow and
// returns what the model server received during the run.

const crypto = require('node:crypto');

const { onCleanup } = require('../../harness/procs');
const { openAiCredential } = require('../../harness/ai-workflows');
const wf = require('../../harness/workflows');
const { startModelServer } = require('../../model-server/server');
const { PROJECT } = require('../features/setup');

/** Scripts of every AI feature: { [model]: script }, registered before the server starts. */
const SCRIPTS = {};
function addScripts(scripts) {
	Object.assign(SCRIPTS, scripts);
}

async function setup(ctx) {
	ctx.secrets.openAiKey = `sk-e2e-${crypto.randomBytes(8).toString('hex')}`;
	ctx.secrets.wrongApiKey = `e2e-wrongkey-${crypto.randomBytes(8).toString('hex')}`;
	const model = await startModelServer({ apiKey: ctx.secrets.openAiKey, scripts: SCRIPTS });
	ctx.model = model;
	onCleanup(() => model.close());
	ctx.creds.openAi = openAiCredential({
		id: 'JelouE2eOpenAi01',
		name: 'Local model server',
		apiKey: ctx.secrets.openAiKey,
		url: model.baseUrl,
	});
	ctx.creds.wrongKey = wf.jelouCredential({
		id: 'JelouE2eCredWrg1',
		name: 'Jelou e2e (wrong API key)',
		authType: 'apiKey',
		apiKey: ctx.secrets.wrongApiKey,
		baseUrl: ctx.sb.baseUrl,
		projectId: PROJECT,
	});

	// The project's integration sends events with a webhook authorization: the stage's secret scan
	// proves that value never reaches the model either.
	ctx.aiIntegration = {
		...ctx.seedIntegration,
		authType: 'bearer',
		authorization: ctx.secrets.webhookSecret,
	};

	/** ctx.execute, plus the requests the model server received during the run. */
	ctx.executeAi = async (
		/** @type {string} */ id,
		/** @type {{ prepare?: () => Promise<void> }} */ { prepare } = {},
	) => {
		const from = model.requests.length;
		const run = await ctx.execute(id, {
			prepare: async () => {
				if (prepare) await prepare();
				ctx.sb.setIntegration(ctx.aiIntegration);
			},
		});
		return { ...run, modelRequests: model.requests.slice(from) };
	};
	const shared = new Map();
	ctx.executeAiShared = (id, opts) => {
		if (!shared.has(id)) shared.set(id, ctx.executeAi(id, opts));
		return shared.get(id);
	};
}

module.exports = { setup, addScripts };
