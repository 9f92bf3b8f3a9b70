'use strict';
// Builders for the credentials and workflows the e2e tests and `npm start`
// import into n8n. Node types and versions used exist in n8n 1.123 and 2.41.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { NODE_TYPE, CREDENTIAL_TYPE, PACKAGE_NAME } = require('./n8n');

const TRIGGER_TYPE = `${PACKAGE_NAME}.jelouTrigger`;

/** @typedef {{ id: string, name: string }} Credential  what a node needs of a credential */

const FIXTURES = path.join(__dirname, '..', 'e2e', 'fixtures');

/**
 * A jelouApi credential for `n8n import:credentials` (data is encrypted on import).
 * `signingSecret` and `messagingBaseUrl` are needed by Message → Send and the Jelou Trigger,
 * `apiBaseUrl` by Message → Get Many (the chat history's host).
 * @param {{ id: string, name: string, authType: string, baseUrl: string, apiKey?: string,
 *   clientId?: string, clientSecret?: string, projectId?: string, signingSecret?: string,
 *   messagingBaseUrl?: string, apiBaseUrl?: string }} fields
 */
function jelouCredential({
	id,
	name,
	authType,
	baseUrl,
	apiKey,
	clientId,
	clientSecret,
	projectId,
	signingSecret,
	messagingBaseUrl,
	apiBaseUrl,
}) {
	/** @type {Record<string, string>} */
	const data =
		authType === 'basic'
			? { authType: 'basic', clientId, clientSecret, baseUrl }
			: { authType: 'apiKey', apiKey, baseUrl };
	if (projectId) data.projectId = projectId;
	if (signingSecret) data.signingSecret = signingSecret;
	if (messagingBaseUrl) data.messagingBaseUrl = messagingBaseUrl;
	if (apiBaseUrl) data.apiBaseUrl = apiBaseUrl;
	return { id, name, type: CREDENTIAL_TYPE, data };
}

let uuidSeq = 0;
/** Deterministic v4-shaped node ids (stable JSON, stable screenshots). */
function nodeId(seed) {
	const hex = Buffer.from(`${seed}:${uuidSeq++}`).toString('hex').padEnd(32, '0').slice(0, 32);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function manualTrigger(position = [0, 0]) {
	return {
		id: nodeId('trigger'),
		name: 'Manual Trigger',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position,
		parameters: {},
	};
}

/** Code node emitting one item { conversationId } per id. */
function idsCode(ids, { name = 'Conversation IDs', position = [220, 0] } = {}) {
	const lines = ids.map((id) => `  { json: { conversationId: ${JSON.stringify(id)} } },`);
	return {
		id: nodeId(name),
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position,
		parameters: {
			jsCode: `// One item per conversation to fetch\nreturn [\n${lines.join('\n')}\n];`,
		},
	};
}

/**
 * @param {{ name?: string, credential: Credential, projectId?: string, conversationId?: string,
 *   simplify?: boolean, continueOnFail?: boolean, position?: number[] }} opts
 */
function jelouGet({
	name = 'Jelou',
	credential,
	projectId = 'demo-project',
	conversationId = '={{ $json.conversationId }}',
	simplify = false,
	continueOnFail = false,
	position = [440, 0],
}) {
	return jelouNode({
		name,
		credential,
		position,
		continueOnFail,
		parameters: { resource: 'conversation', operation: 'get', projectId, conversationId, simplify },
	});
}

/** IF node (v2.2): `{{ $json.state }}` equals `closed` → output 0, else output 1. */
function ifStateClosed({ name = 'Is closed?', position = [660, 0] } = {}) {
	return {
		id: nodeId(name),
		name,
		type: 'n8n-nodes-base.if',
		typeVersion: 2.2,
		position,
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [
					{
						id: nodeId('cond'),
						leftValue: '={{ $json.state }}',
						rightValue: 'closed',
						operator: { type: 'string', operation: 'equals', name: 'filter.operator.equals' },
					},
				],
				combinator: 'and',
			},
			options: {},
		},
	};
}

function noOp(name, position) {
	return {
		id: nodeId(name),
		name,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position,
		parameters: {},
	};
}

function chain(...names) {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/**
 * Any Jelou node: `parameters` as the editor stores them (resource, operation, fields,
 * additionalFields, options). `continueOnFail` sets On Error → Continue (regular output).
 * @param {{ name: string, credential: Credential, parameters: Record<string, any>,
 *   position?: number[], continueOnFail?: boolean }} opts
 */
function jelouNode({ name, credential, parameters, position = [440, 0], continueOnFail = false }) {
	/** @type {Record<string, any>} */
	const node = {
		id: nodeId(name),
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position,
		parameters,
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
	if (continueOnFail) node.onError = 'continueRegularOutput';
	return node;
}

/**
 * HTTP Request node (v4.2, in 1.123 and 2.41) that calls one of the sandbox's control routes
 * (`/__sandbox/config`, `/__sandbox/integration`, ...) once, whatever its input: it lets one
 * workflow run several scenarios that need different sandbox faults, in a fixed order.
 * @param {{ name: string, url: string, method?: string, body?: unknown, position?: number[] }} opts
 */
function sandboxControl({ name, url, method = 'POST', body, position = [0, 0] }) {
	/** @type {Record<string, unknown>} */
	const parameters = { method, url, options: {} };
	if (body !== undefined) {
		Object.assign(parameters, {
			sendBody: true,
			specifyBody: 'json',
			jsonBody: JSON.stringify(body),
		});
	}
	return {
		id: nodeId(name),
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position,
		executeOnce: true,
		parameters,
	};
}

/**
 * Jelou Trigger node; `webhookId` fixes its production URL: /webhook/<webhookId>/jelou.
 * `registration` ({ projectId }) turns on "Register Webhook in Jelou" for that project.
 * @param {{ name?: string, credential: Credential, webhookId: string, events?: string[],
 *   options?: Record<string, unknown>, position?: number[], registration?: { projectId: string } }} opts
 */
function jelouTrigger({
	name = 'Jelou Trigger',
	credential,
	webhookId,
	events = ['*'],
	options = {},
	position = [0, 0],
	registration,
}) {
	/** @type {Record<string, unknown>} */
	const parameters = { events };
	if (registration)
		Object.assign(parameters, { registerWebhook: true, projectId: registration.projectId });
	parameters.options = options;
	return {
		id: nodeId(name),
		name,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position,
		webhookId,
		parameters,
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
}

/** Deterministic v4-shaped UUID for a webhookId: a hash of the seed, so different seeds never collide. */
function webhookUuid(seed) {
	const hex = crypto.createHash('sha256').update(`webhook:${seed}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Manual Trigger → the given nodes in a line. Nodes get positions left to right; the names must
 * be unique.
 */
function lineWorkflow({ id, name, nodes }) {
	const all = [manualTrigger([0, 0]), ...nodes];
	all.forEach((n, i) => {
		n.position = [i * 220, 0];
	});
	return workflow({ id, name, nodes: all, connections: chain(...all.map((n) => n.name)) });
}

function workflow({ id, name, nodes, connections }) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections,
		pinData: {},
		tags: [],
	};
}

/**
 * Manual Trigger → Code(ids) → Jelou Get.
 * @param {{ id: string, name: string, ids: string[], credential: Credential, simplify?: boolean,
 *   continueOnFail?: boolean, projectId?: string }} opts
 */
function getWorkflow({
	id,
	name,
	ids,
	credential,
	simplify = false,
	continueOnFail = false,
	projectId,
}) {
	const nodes = [
		manualTrigger(),
		idsCode(ids),
		jelouGet({ credential, simplify, continueOnFail, projectId }),
	];
	return workflow({
		id,
		name,
		nodes,
		connections: chain('Manual Trigger', 'Conversation IDs', 'Jelou'),
	});
}

/** Manual Trigger → Code(ids) → Jelou Get → IF state == closed → NoOp "Closed" / NoOp "Active". */
function branchWorkflow({ id, name, ids, credential, jelouName = 'Jelou' }) {
	const nodes = [
		manualTrigger([0, 0]),
		idsCode(ids, { position: [220, 0] }),
		jelouGet({ name: jelouName, credential, position: [440, 0] }),
		ifStateClosed({ position: [660, 0] }),
		noOp('Closed', [900, -100]),
		noOp('Active', [900, 100]),
	];
	const connections = chain('Manual Trigger', 'Conversation IDs', jelouName, 'Is closed?');
	connections['Is closed?'] = {
		main: [
			[{ node: 'Closed', type: 'main', index: 0 }],
			[{ node: 'Active', type: 'main', index: 0 }],
		],
	};
	return workflow({ id, name, nodes, connections });
}

/** The example workflow `npm start` imports (tools/e2e/fixtures/example-workflow.json). */
function loadExampleWorkflow() {
	return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'example-workflow.json'), 'utf8'));
}

module.exports = {
	FIXTURES,
	TRIGGER_TYPE,
	jelouCredential,
	jelouNode,
	jelouTrigger,
	sandboxControl,
	webhookUuid,
	lineWorkflow,
	chain,
	workflow,
	getWorkflow,
	branchWorkflow,
	loadExampleWorkflow,
	manualTrigger,
	idsCode,
	jelouGet,
	ifStateClosed,
	noOp,
	nodeId,
};
