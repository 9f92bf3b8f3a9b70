'use strict';

// Puts the parts together: options, live settings, state, fault switches, webhook sender and
// the HTTP server, behind the public object `startSandbox` resolves with (see README.md).

const { isNonEmptyString, checkNumber, pick } = require('./util');
const { HOST, DEFAULTS, RUNTIME_KEYS, normalizeRuntime } = require('./config');
const { SEEDED_IDS, SPECIAL_IDS } = require('./seed');
const { createState, sandboxIntegrationView } = require('./state');
const { createFaults } = require('./faults');
const { createWebhookSender } = require('./webhooks');
const { emit } = require('./emit');
const { createHttpServer } = require('./http');
const { createClock } = require('./clock');

function createSandbox(options = {}) {
	/** @type {Record<string, any>} */
	const opts = { ...DEFAULTS };
	for (const key of ['apiKey', 'clientId', 'clientSecret', 'projectId']) {
		if (options[key] !== undefined) {
			if (!isNonEmptyString(options[key])) throw new TypeError(`${key} must be a non-empty string`);
			opts[key] = options[key];
		}
	}
	if (options.maxRequestLog !== undefined) {
		opts.maxRequestLog = checkNumber('maxRequestLog', options.maxRequestLog, {
			min: 1,
			integer: true,
		});
	}
	const initialRuntime = {
		...pick(DEFAULTS, RUNTIME_KEYS),
		...normalizeRuntime(pick(options, RUNTIME_KEYS), { rejectUnknown: false }),
	};
	const runtime = { ...initialRuntime };
	const clock = createClock(options.clock);
	const projectId = opts.projectId;

	const requests = [];
	const webhookDeliveries = [];
	const sentMessages = [];
	const log = (line) => {
		if (!runtime.quiet) process.stdout.write(`[jelou-sandbox] ${line}\n`);
	};

	// Everything the routes and the HTTP layer share.
	const ctx = {
		opts,
		projectId,
		runtime,
		requests,
		webhookDeliveries,
		sentMessages,
		log,
		state: createState(projectId, options.integration),
		clock,
		faults: createFaults(runtime, clock),
		sender: createWebhookSender(runtime, webhookDeliveries, log),
		sb: null,
		configure,
		reset,
	};
	const { server, close: closeServer } = createHttpServer(ctx);

	function configure(changes) {
		const normalized = normalizeRuntime(changes || {}, { rejectUnknown: true });
		const limitChanged =
			normalized.rateLimit !== undefined && normalized.rateLimit !== runtime.rateLimit;
		// A new rate or a new list of statuses starts the injected faults over.
		const rateChanged =
			(normalized.errorRate !== undefined && normalized.errorRate !== runtime.errorRate) ||
			normalized.faultStatuses !== undefined;
		Object.assign(runtime, normalized);
		ctx.faults.settingsChanged({ limitChanged, rateChanged });
		return { ...runtime };
	}

	function reset() {
		requests.length = 0;
		webhookDeliveries.length = 0;
		sentMessages.length = 0;
		Object.assign(runtime, initialRuntime);
		ctx.faults.reset();
	}

	let closePromise = null;
	function close() {
		if (closePromise) return closePromise;
		ctx.sender.close();
		closePromise = closeServer();
		return closePromise;
	}

	const sb = {
		url: null,
		baseUrl: null,
		messagingBaseUrl: null,
		apiBaseUrl: null,
		port: null,
		apiKey: opts.apiKey,
		clientId: opts.clientId,
		clientSecret: opts.clientSecret,
		projectId,
		conversationIds: [...SEEDED_IDS],
		specialConversationIds: [...SPECIAL_IDS],
		requests,
		webhookDeliveries,
		sentMessages,
		get config() {
			return { ...runtime };
		},
		get integration() {
			const integ = ctx.state.integrationOf(projectId);
			return integ ? sandboxIntegrationView(integ) : null;
		},
		configure,
		reset,
		resetData: () => ctx.state.resetData(),
		setIntegration: (spec) => sandboxIntegrationView(ctx.state.seedIntegration(spec)),
		clearIntegration: () => {
			ctx.state.deleteIntegration(projectId);
		},
		emit: (input) => emit(ctx, input),
		close,
		server,
	};
	ctx.sb = sb;

	function listen(port) {
		return new Promise((resolve, reject) => {
			const onError = (err) => {
				server.removeListener('listening', onListening);
				if (err.code === 'EADDRINUSE') err.message = `Port ${port} on ${HOST} is already in use.`;
				reject(err);
			};
			const onListening = () => {
				server.removeListener('error', onError);
				const actual = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
				sb.port = actual;
				sb.url = `http://${HOST}:${actual}`;
				sb.baseUrl = `${sb.url}/jelouapi/v1`;
				sb.messagingBaseUrl = `${sb.url}/v1`;
				// Jelou's API host (the chat history) is another host; the sandbox serves it here too.
				sb.apiBaseUrl = `${sb.url}/v1`;
				resolve(sb);
			};
			server.once('error', onError);
			server.once('listening', onListening);
			server.listen({ port, host: HOST });
		});
	}

	return { sb, listen };
}

/**
 * Starts a sandbox on 127.0.0.1. Resolves with the control object (url, baseUrl, requests, configure, ...).
 * Rejects (err.code === 'EADDRINUSE') when the port is taken.
 */
async function startSandbox(options = {}) {
	const port =
		options.port === undefined || options.port === null ? DEFAULTS.port : Number(options.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new TypeError('port must be an integer between 0 and 65535');
	const { listen } = createSandbox(options);
	return listen(port);
}

module.exports = { startSandbox };
