'use strict';
// The example workflows of examples/*.json, as a user gets them into n8n: read from the file,
// given only the replacements examples/README.md asks for (pick a credential on the nodes that
// need one, replace the placeholder URLs), then imported the way the editor's "Import from File"
// and save do it, through n8n's REST API.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT } = require('./runtime');
const { PACKAGE_NAME, CREDENTIAL_TYPE } = require('./n8n');

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** A placeholder URL, as examples/README.md defines it: any address on example.com. */
const PLACEHOLDER_URL = /^https:\/\/([a-z0-9-]+\.)*example\.com(\/|$)/i;

/** Every examples/*.json, sorted by name: [{ name, file, workflow }]. */
function listExamples(dir = EXAMPLES_DIR) {
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({
			name: file.replace(/\.json$/, ''),
			file: `examples/${file}`,
			workflow: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')),
		}));
}

/** Replace placeholder URLs in a node's parameters (whole string values, at any depth). */
function replaceUrls(value, urlFor) {
	if (typeof value === 'string') return PLACEHOLDER_URL.test(value) ? urlFor(value) : value;
	if (Array.isArray(value)) return value.map((v) => replaceUrls(v, urlFor));
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceUrls(v, urlFor)]));
	return value;
}

/**
 * The user's edits, and nothing else: every node of this package gets the Jelou credential, every
 * node whose type is in `otherCredentials` ({ nodeType: credential }) that credential, and every
 * placeholder URL becomes `urlFor(url)`. With `ownWebhookId` (the README's step for an import
 * without the editor) the Jelou Trigger also gets a new UUID as its webhookId. Throws when a
 * placeholder is left (the README's rule would not cover it).
 */
function asUserEdits(workflow, { jelouCredential, otherCredentials = {}, urlFor, ownWebhookId }) {
	const copy = JSON.parse(JSON.stringify(workflow));
	for (const node of copy.nodes) {
		const credential = node.type.startsWith(`${PACKAGE_NAME}.`)
			? { type: CREDENTIAL_TYPE, ...jelouCredential }
			: otherCredentials[node.type];
		if (credential)
			node.credentials = { [credential.type]: { id: credential.id, name: credential.name } };
		node.parameters = replaceUrls(node.parameters, urlFor);
		if (ownWebhookId && node.type === `${PACKAGE_NAME}.jelouTrigger`)
			node.webhookId = crypto.randomUUID();
	}
	const left = JSON.stringify(copy).match(/https?:\/\/([a-z0-9-]+\.)*example\.com[^"\s]*/i);
	if (left) throw new Error(`a placeholder is left after the README's replacements: ${left[0]}`);
	return copy;
}

/**
 * Import like the editor: "Import from File" gives every node whose type has webhooks and no
 * `webhookId` a new one (1.123's useCanvasOperations.resolveNodeWebhook; 2.41 does it too, and
 * its server again on create), then the editor saves the workflow with POST /rest/workflows.
 * With `editor: false` the file is saved as it is, as n8n's API and `n8n import:workflow` take it.
 * Resolves the saved workflow (id, nodes with their webhookId, versionId).
 */
async function importLikeEditor(rest, workflow, { editor = true } = {}) {
	// The node types the editor has loaded: /types/nodes.json lists the tool variants n8n derives
	// (n8n-nodes-jelou.jelouTool), which 2.41's POST /rest/node-types does not know.
	const types = await rest.nodeTypes();
	const hasWebhooks = (node) =>
		types.some(
			(d) =>
				// tolerate a name without the package prefix
				(d.name === node.type || node.type.endsWith(`.${d.name}`)) &&
				[d.version].flat().includes(node.typeVersion) &&
				d.webhooks?.length > 0,
		);
	const nodes = workflow.nodes.map((n) =>
		editor && !n.webhookId && hasWebhooks(n) ? { ...n, webhookId: crypto.randomUUID() } : n,
	);
	const r = await rest.request('POST', '/rest/workflows', {
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: workflow.settings,
		active: false,
	});
	if (r.status !== 200)
		throw new Error(`saving "${workflow.name}": HTTP ${r.status} ${r.text.slice(0, 500)}`);
	return r.json.data;
}

/** Create a credential as the editor's credential form does (POST /rest/credentials). */
async function createCredential(rest, { name, type, data }) {
	const r = await rest.request('POST', '/rest/credentials', { name, type, data });
	if (r.status !== 200)
		throw new Error(`creating credential "${name}": HTTP ${r.status} ${r.text.slice(0, 300)}`);
	return { id: r.json.data.id, name, type };
}

module.exports = {
	EXAMPLES_DIR,
	PLACEHOLDER_URL,
	listExamples,
	asUserEdits,
	importLikeEditor,
	createCredential,
};
