'use strict';

// `node tools/sandbox/server.js [options]`: flags, env vars, the banner, and a clean stop on signals.

const { isNonEmptyString, pick } = require('./util');
const { HOST, RUNTIME_KEYS, normalizeRuntime } = require('./config');
const { startSandbox } = require('./sandbox');
const { parseArgs } = require('../../harness/args');

const CLI_FLAGS = {
	'--port': { key: 'port', env: 'JELOU_SANDBOX_PORT' },
	'--latency': { key: 'latencyMs', env: 'JELOU_SANDBOX_LATENCY_MS' },
	'--rate-limit': { key: 'rateLimit', env: 'JELOU_SANDBOX_RATE_LIMIT' },
	'--error-rate': { key: 'errorRate', env: 'JELOU_SANDBOX_ERROR_RATE' },
	'--retry-after-mode': { key: 'retryAfterMode', env: 'JELOU_SANDBOX_RETRY_AFTER_MODE' },
	'--integration-shape': { key: 'integrationShape', env: 'JELOU_SANDBOX_INTEGRATION_SHAPE' },
	'--api-key': { key: 'apiKey', env: 'JELOU_SANDBOX_API_KEY' },
	'--client-id': { key: 'clientId', env: 'JELOU_SANDBOX_CLIENT_ID' },
	'--client-secret': { key: 'clientSecret', env: 'JELOU_SANDBOX_CLIENT_SECRET' },
	'--project-id': { key: 'projectId', env: 'JELOU_SANDBOX_PROJECT_ID' },
};

const USAGE = `Usage: node tools/sandbox/server.js [options]

  --port <n>               port on 127.0.0.1 (default 8787, 0 = random)   env JELOU_SANDBOX_PORT
  --latency <ms>           delay added to every API answer                env JELOU_SANDBOX_LATENCY_MS
  --rate-limit <n>         API requests per second (0 = unlimited)        env JELOU_SANDBOX_RATE_LIMIT
  --error-rate <0..1>      share of API requests answered 500/502/503     env JELOU_SANDBOX_ERROR_RATE
  --retry-after-mode <m>   seconds | date | none (429 Retry-After form)   env JELOU_SANDBOX_RETRY_AFTER_MODE
  --integration-shape <s>  envelope | bare (integration answers)          env JELOU_SANDBOX_INTEGRATION_SHAPE
  --api-key, --client-id, --client-secret, --project-id <value>           env JELOU_SANDBOX_API_KEY, ...
  --quiet                  do not log each request                        env JELOU_SANDBOX_QUIET=1
  --help                   show this help
`;

// The flags for the rig's one argument parser (tools/harness/args.js).
const OPTIONS = {
	...Object.fromEntries(Object.entries(CLI_FLAGS).map(([flag, { key }]) => [flag, { key }])),
	'--quiet': { key: 'quiet', flag: true },
};

/**
 * The sandbox's settings from the environment, then the command line (which wins).
 * @param {readonly string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {Record<string, any>}
 */
function parseCli(argv, env) {
	/** @type {Record<string, any>} */
	const defaults = { port: 8787, quiet: false };
	for (const { key, env: name } of Object.values(CLI_FLAGS)) {
		if (env[name] !== undefined && env[name] !== '') defaults[key] = env[name];
	}
	if (env.JELOU_SANDBOX_QUIET === '1' || env.JELOU_SANDBOX_QUIET === 'true') defaults.quiet = true;
	const out = parseArgs(argv, { options: OPTIONS, defaults });
	if (out.help) return { help: true };
	const port = Number(out.port);
	if (String(out.port).trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
		throw new TypeError('--port must be an integer between 0 and 65535');
	}
	out.port = port;
	// Validate fault settings here so a bad value is a usage error (exit 2), not a start failure.
	Object.assign(out, normalizeRuntime(pick(out, RUNTIME_KEYS), { rejectUnknown: false }));
	for (const key of ['apiKey', 'clientId', 'clientSecret', 'projectId']) {
		if (out[key] !== undefined && !isNonEmptyString(out[key]))
			throw new TypeError(`${key} must not be empty`);
	}
	return out;
}

function banner(sb) {
	const cfg = sb.config;
	const faults = [
		`latency ${cfg.latencyMs} ms`,
		`rate limit ${cfg.rateLimit ? `${cfg.rateLimit}/s (Retry-After: ${cfg.retryAfterMode})` : 'off'}`,
		`error rate ${cfg.errorRate}`,
	].join(', ');
	return [
		'',
		`Jelou sandbox listening on ${sb.url}  (local fake of Jelou's External Support API)`,
		'',
		`  Base URL (credential "Base URL"):   ${sb.baseUrl}`,
		`  Messaging base URL (send message):  ${sb.messagingBaseUrl}`,
		`  API base URL (chat history, Basic): ${sb.apiBaseUrl}`,
		`  API key (x-api-key):                ${sb.apiKey}`,
		`  Client ID (Basic auth user):        ${sb.clientId}`,
		`  Client secret (Basic auth pass):    ${sb.clientSecret}`,
		`  Project ID:                         ${sb.projectId}`,
		`  Conversation IDs:                   ${sb.conversationIds.join(', ')}`,
		`                                      gen-<digits> (even = closed, odd = active)`,
		`  Error test IDs:                     ${sb.specialConversationIds.join(', ')}`,
		`  Faults:                             ${faults}`,
		`  Integration answers:                ${cfg.integrationShape === 'bare' ? 'bare object' : 'envelope'}`,
		`  Control (no auth):                  ${sb.url}/__sandbox/health`,
		'',
		'Press Ctrl-C to stop.',
		'',
	].join('\n');
}

async function main(argv = process.argv.slice(2), env = process.env) {
	let cli;
	try {
		cli = parseCli(argv, env);
	} catch (err) {
		process.stderr.write(`jelou-sandbox: ${err.message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (cli.help) {
		process.stdout.write(USAGE);
		return;
	}
	let sb;
	try {
		sb = await startSandbox(cli);
	} catch (err) {
		if (err.code === 'EADDRINUSE') {
			process.stderr.write(
				`jelou-sandbox: error: port ${cli.port} on ${HOST} is already in use. ` +
					'Stop the other process or pick another port with --port <n> (or JELOU_SANDBOX_PORT).\n',
			);
		} else {
			process.stderr.write(`jelou-sandbox: error: ${err.message}\n`);
		}
		process.exit(1);
		return;
	}
	process.stdout.write(banner(sb));
	let stopping = false;
	const stop = (signal) => {
		if (stopping) {
			process.stderr.write('jelou-sandbox: forced exit\n');
			process.exit(1);
		}
		stopping = true;
		process.stdout.write(`\nReceived ${signal}, stopping the Jelou sandbox...\n`);
		sb.close().then(() => {
			process.stdout.write('Jelou sandbox stopped.\n');
			process.exit(0);
		});
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

module.exports = { main, parseCli, USAGE };
