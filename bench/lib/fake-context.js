'use strict';
// A minimal stand-in for n8n's IExecuteFunctions, enough to run the compiled Jelou node's
// execute() outside n8n (same idea as test/helpers/context.ts, in plain JS): requests go through
// the credential's real `authenticate` and then n8n-core's real `httpRequest` (axios), and
// failures without an HTTP answer are wrapped in NodeApiError the way n8n wraps them.
//
// What it leaves out: n8n's expression engine (parameters are plain values or functions of the
// item here), run-data bookkeeping and the task/queue machinery around a node.

const path = require('node:path');
const { REPO_ROOT } = require('../../e2e/lib/runtime');

function loadFromRepo(request) {
	return require(require.resolve(request, { paths: [REPO_ROOT] }));
}

function loadNodeAndCore() {
	const { httpRequest } = loadFromRepo('n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions');
	const { NodeApiError } = loadFromRepo('n8n-workflow');
	const { Jelou } = require(path.join(REPO_ROOT, 'dist', 'nodes', 'Jelou', 'Jelou.node.js'));
	const { JelouApi } = require(path.join(REPO_ROOT, 'dist', 'credentials', 'JelouApi.credentials.js'));
	const coreVersion = loadFromRepo('n8n-core/package.json').version;
	return { httpRequest, NodeApiError, Jelou, JelouApi, coreVersion };
}

const NODE = {
	id: '6f1c4e0a-0000-4000-8000-00000000be0c',
	name: 'Jelou',
	type: 'n8n-nodes-jelou.jelou',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/**
 * @param {object} o
 * @param {object[]} o.items       input items' json
 * @param {object} o.params        parameter name -> value or (item, index) => value
 * @param {object} o.credentials   decrypted jelouApi credential data
 * @param {object} o.lib           result of loadNodeAndCore()
 */
function createContext({ items, params, credentials, lib }) {
	const inputItems = items.map((json) => ({ json }));
	const credentialType = new lib.JelouApi();
	const abort = new AbortController();
	let requestCount = 0;
	const ctx = {
		getInputData: () => inputItems,
		getNode: () => NODE,
		continueOnFail: () => false,
		getExecutionCancelSignal: () => abort.signal,
		getCredentials: async (type) => {
			if (type !== 'jelouApi') throw new Error(`Unexpected credential type ${type}`);
			return credentials;
		},
		getNodeParameter: (name, itemIndex, fallback) => {
			let value = params[name];
			if (typeof value === 'function') value = value(inputItems[itemIndex], itemIndex);
			if (value === undefined) {
				if (fallback !== undefined) return fallback;
				throw new Error(`Could not get parameter "${name}"`);
			}
			return value;
		},
		helpers: {
			async httpRequestWithAuthentication(type, requestOptions) {
				if (type !== 'jelouApi') throw new Error(`Unexpected credential type ${type}`);
				requestCount++;
				const authenticated = await credentialType.authenticate(credentials, { ...requestOptions });
				try {
					return await lib.httpRequest(authenticated);
				} catch (error) {
					throw new lib.NodeApiError(NODE, error);
				}
			},
		},
	};
	return { ctx, requests: () => requestCount, abort };
}

module.exports = { loadNodeAndCore, createContext };
