'use strict';
// CPU cost per item at zero latency, measured inside this one process (the sandbox runs in
// another process, so its CPU is not counted here). Three ways to do the same N GETs at the same
// concurrency against the same sandbox:
//
//   jelou  the compiled node's execute() (dist/) in the tests' fake execute context
//          (test/support/fake-n8n.ts) whose httpRequestWithAuthentication runs the credential's
//          real authenticate and, here, n8n-core's real httpRequest (axios)
//   core   the same authenticate + n8n-core httpRequest calls in a plain pool, without the node
//          (splits n8n-core/axios's share from the node's own code)
//   plain  node:http with a keep-alive agent in a plain pool, JSON.parse of each body
//   plainNew  the same with a new connection for every request (what n8n-core does)
//   jelouAdaptive  the node without the Concurrency option (adaptive limit, up to 200)
//
// Input: argv[2] = JSON { baseUrl, apiKey, projectId, n, concurrency, rounds, warmupN }.
// Output: one JSON line on stdout.

const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');
const { REPO_ROOT } = require('../../harness/runtime');
const { pool, plainLoop } = require('./plain-loop');

const opts = JSON.parse(process.argv[2]);
const { baseUrl, apiKey, projectId, n, concurrency } = opts;
const rounds = Math.max(1, Math.min(opts.rounds ?? 3, 10));
const warmupN = Math.max(1, Math.min(opts.warmupN ?? 200, n));

function loadFromRepo(request) {
	return require(require.resolve(request, { paths: [REPO_ROOT] }));
}

/** The compiled node and credential, and n8n-core's own HTTP client (what n8n runs requests with). */
function loadNodeAndCore() {
	const { httpRequest } = loadFromRepo(
		'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions',
	);
	const { Jelou } = require(path.join(REPO_ROOT, 'dist', 'nodes', 'Jelou', 'Jelou.node.js'));
	const { JelouApi } = require(
		path.join(REPO_ROOT, 'dist', 'credentials', 'JelouApi.credentials.js'),
	);
	const coreVersion = loadFromRepo('n8n-core/package.json').version;
	return { httpRequest, Jelou, JelouApi, coreVersion };
}

/**
 * The tests' fake n8n context is TypeScript that imports only Node's modules and n8n-workflow:
 * the repository's own TypeScript compiler turns it into CommonJS here, so the bench needs no
 * build step for it and no other dependency.
 */
function loadFakeN8n() {
	const file = path.join(REPO_ROOT, 'test', 'support', 'fake-n8n.ts');
	const ts = loadFromRepo('typescript');
	const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
		fileName: file,
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
	});
	const wrapped = vm.runInThisContext(
		`(function (exports, require, module, __filename, __dirname) {${outputText}\n})`,
		{ filename: file },
	);
	const loaded = { exports: {} };
	wrapped(loaded.exports, createRequire(file), loaded, file, path.dirname(file));
	return loaded.exports;
}

const lib = loadNodeAndCore();
const { createExecuteContext } = loadFakeN8n();
const credentials = { authType: 'apiKey', apiKey, baseUrl };
const ids = (count) => Array.from({ length: count }, (_, i) => `gen-${i}`);
const urlFor = (id) =>
	`${baseUrl}/external-support/${encodeURIComponent(projectId)}/conversations/${encodeURIComponent(id)}`;

function check(results, count) {
	if (results.length !== count) throw new Error(`expected ${count} results, got ${results.length}`);
	for (let i = 0; i < count; i++) {
		if (!results[i] || results[i]._id !== `gen-${i}`) {
			throw new Error(
				`result ${i} is ${JSON.stringify(results[i]).slice(0, 200)}, expected conversation gen-${i}`,
			);
		}
	}
}

const modes = {
	async jelou(count) {
		const { ctx } = createExecuteContext({
			items: ids(count).map((conversationId) => ({ conversationId })),
			params: {
				resource: 'conversation',
				operation: 'get',
				projectId,
				conversationId: (item) => item.json.conversationId,
				simplify: false,
				options: { concurrency },
			},
			credentials,
			credentialType: new lib.JelouApi(),
			httpRequest: lib.httpRequest,
		});
		const out = await new lib.Jelou().execute.call(ctx);
		check(
			out[0].map((item) => item.json),
			count,
		);
	},

	async core(count) {
		const credentialType = new lib.JelouApi();
		const results = new Array(count);
		await pool(count, concurrency, async (i) => {
			const options = await credentialType.authenticate(credentials, {
				method: 'GET',
				url: urlFor(`gen-${i}`),
				json: true,
				headers: { Accept: 'application/json' },
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			});
			const response = await lib.httpRequest(options);
			if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode} for gen-${i}`);
			results[i] = response.body.data;
		});
		check(results, count);
	},

	async plain(count) {
		check(await plainLoop({ baseUrl, apiKey, projectId, n: count, concurrency }), count);
	},

	async plainNew(count) {
		check(
			await plainLoop({ baseUrl, apiKey, projectId, n: count, concurrency, keepAlive: false }),
			count,
		);
	},

	async jelouAdaptive(count) {
		const { ctx } = createExecuteContext({
			items: ids(count).map((conversationId) => ({ conversationId })),
			params: {
				resource: 'conversation',
				operation: 'get',
				projectId,
				conversationId: (item) => item.json.conversationId,
				simplify: false,
				options: {},
			},
			credentials,
			credentialType: new lib.JelouApi(),
			httpRequest: lib.httpRequest,
		});
		const out = await new lib.Jelou().execute.call(ctx);
		check(
			out[0].map((item) => item.json),
			count,
		);
	},
};

async function measure(mode, count) {
	if (global.gc) global.gc();
	const cpu0 = process.cpuUsage();
	const t0 = process.hrtime.bigint();
	await modes[mode](count);
	const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
	const cpu = process.cpuUsage(cpu0);
	const cpuUs = cpu.user + cpu.system;
	return { wallMs, cpuUs, userUs: cpu.user, systemUs: cpu.system, cpuUsPerItem: cpuUs / count };
}

const median = (values) => {
	const s = [...values].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
	const order = ['plain', 'plainNew', 'core', 'jelou', 'jelouAdaptive'];
	for (const mode of order) await modes[mode](warmupN); // JIT and first-connection costs
	const samples = Object.fromEntries(order.map((m) => [m, []]));
	for (let r = 0; r < rounds; r++) {
		// Rotate the order so no mode always runs right after another's garbage.
		for (let k = 0; k < order.length; k++) {
			const mode = order[(k + r) % order.length];
			samples[mode].push(await measure(mode, n));
		}
	}
	const summary = {};
	for (const mode of order) {
		const s = samples[mode];
		summary[mode] = {
			cpuUsPerItem: median(s.map((x) => x.cpuUsPerItem)),
			wallMs: median(s.map((x) => x.wallMs)),
			itemsPerSec: n / (median(s.map((x) => x.wallMs)) / 1000),
			samples: s,
		};
	}
	process.stdout.write(
		`${JSON.stringify({ ok: true, n, concurrency, rounds, node: process.version, n8nCore: lib.coreVersion, summary })}\n`,
	);
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stdout.write(
			`${JSON.stringify({ ok: false, error: error && error.stack ? error.stack : String(error) })}\n`,
		);
		process.exit(1);
	},
);
