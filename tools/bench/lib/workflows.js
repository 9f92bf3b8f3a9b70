'use strict';
// Workflows the benchmark imports into n8n:
//   Manual Trigger → Code (N items { conversationId: "gen-<i>" }) → <node under test>
// where the node under test is our Jelou node (Conversation → Get) or n8n's HTTP Request node
// doing the same GET with the x-api-key header.

const fs = require('node:fs');
const path = require('node:path');
const wf = require('../../harness/workflows');

const CODE_NODE = 'Conversation IDs';
const NODE_UNDER_TEST = 'Node under test';

/** Code node that makes `n` items with distinct ids gen-0 … gen-(n-1), in that order. */
function idsCode(n) {
	return {
		id: '0b0e0c0d-0000-4000-8000-00000000c0de',
		name: CODE_NODE,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0],
		parameters: {
			jsCode: [
				`const n = ${Number(n)};`,
				'const out = new Array(n);',
				"for (let i = 0; i < n; i++) out[i] = { json: { conversationId: 'gen-' + i } };",
				'return out;',
			].join('\n'),
		},
	};
}

function build(id, name, n, node) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [wf.manualTrigger([0, 0]), idsCode(n), node],
		connections: {
			'Manual Trigger': { main: [[{ node: CODE_NODE, type: 'main', index: 0 }]] },
			[CODE_NODE]: { main: [[{ node: NODE_UNDER_TEST, type: 'main', index: 0 }]] },
		},
		pinData: {},
		tags: [],
	};
}

/** Jelou → Conversation → Get; `options` as in the node's Options collection ({} = defaults). */
function jelouWorkflow({ id, n, credential, projectId, options = {} }) {
	const node = wf.jelouGet({ name: NODE_UNDER_TEST, credential, projectId, position: [440, 0] });
	node.parameters.options = { ...options };
	return build(id, `bench ${id}`, n, node);
}

/** The highest typeVersion of the HTTP Request node this n8n ships (its defaultVersion). */
function httpRequestTypeVersion(runtime) {
	const file = path.join(
		runtime.dir,
		'node_modules',
		'n8n-nodes-base',
		'dist',
		'nodes',
		'HttpRequest',
		'HttpRequest.node.js',
	);
	const text = fs.readFileSync(file, 'utf8');
	const m = /defaultVersion:\s*([\d.]+)/.exec(text);
	if (!m) throw new Error(`could not find the HTTP Request node's defaultVersion in ${file}`);
	return Number(m[1]);
}

/**
 * n8n-nodes-base.httpRequest doing GET {baseUrl}/external-support/{project}/conversations/{id}
 * with the x-api-key header; `options` as in its Options collection ({} = defaults).
 */
function httpRequestWorkflow({ id, n, baseUrl, apiKey, projectId, typeVersion, options = {} }) {
	const node = {
		id: '0b0e0c0d-0000-4000-8000-0000000047e9',
		name: NODE_UNDER_TEST,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion,
		position: [440, 0],
		parameters: {
			method: 'GET',
			url: `=${baseUrl}/external-support/${encodeURIComponent(projectId)}/conversations/{{ encodeURIComponent($json.conversationId) }}`,
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'x-api-key', value: apiKey }] },
			options: { ...options },
		},
	};
	return build(id, `bench ${id}`, n, node);
}

module.exports = {
	CODE_NODE,
	NODE_UNDER_TEST,
	jelouWorkflow,
	httpRequestWorkflow,
	httpRequestTypeVersion,
};
