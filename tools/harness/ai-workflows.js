'use strict';
// Builders for AI workflows in real n8n: the OpenAI credential pointing at the local model
// server, the AI Agent with its OpenAI Chat Model and Jelou tools, and the MCP Server Trigger.
// The node types and versions exist in n8n 1.123 and 2.41 (the agent in each line's default).

const { CREDENTIAL_TYPE, NODE_TYPE } = require('./n8n');
const wf = require('./workflows');

const LANGCHAIN = '@n8n/n8n-nodes-langchain';
const AGENT_TYPE = `${LANGCHAIN}.agent`;
const CHAT_MODEL_TYPE = `${LANGCHAIN}.lmChatOpenAi`;
const MCP_TRIGGER_TYPE = `${LANGCHAIN}.mcpTrigger`;
const JELOU_TOOL_TYPE = `${NODE_TYPE}Tool`;
// What the editor puts in for a new AI Agent node on each line.
const AGENT_VERSION = { 1: 3, 2: 3.1 };

/** The tool name n8n gives a tool node (its name with every other character run made `_`). */
const toolName = (nodeName) => nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_');

/** A node at the origin (the workflow builders place it); `extra` adds credentials, webhookId. */
function node(name, type, typeVersion, parameters, extra = {}) {
	return { id: wf.nodeId(name), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

const credentialRef = (credential) => ({ id: credential.id, name: credential.name });

/** The requests the model server received for one script (model name), in order. */
const requestsFor = (modelRequests, model) =>
	modelRequests.filter((r) => r.request && r.request.model === model);

/** An `openAiApi` credential whose base URL is the model server's (`…/v1`). */
function openAiCredential({ id, name, apiKey, url }) {
	return { id, name, type: 'openAiApi', data: { apiKey, url, header: false } };
}

/**
 * OpenAI Chat Model (v1.3): `model` is the model server's script name; `responsesApi` false
 * switches "Use Responses API" off (Chat Completions).
 */
function chatModel({ name, credential, model, responsesApi = true }) {
	const parameters = {
		model: { __rl: true, mode: 'id', value: model },
		responsesApiEnabled: responsesApi,
		options: {},
	};
	return node(name, CHAT_MODEL_TYPE, 1.3, parameters, {
		credentials: { openAiApi: credentialRef(credential) },
	});
}

/**
 * AI Agent (Tools Agent) with a fixed prompt.
 * @param {{ name: string, line: number | string, prompt: string, systemMessage?: string }} opts
 */
function agent({ name, line, prompt, systemMessage }) {
	return node(name, AGENT_TYPE, AGENT_VERSION[line], {
		promptType: 'define',
		text: prompt,
		options: systemMessage ? { systemMessage } : {},
	});
}

/**
 * A Jelou tool node (`n8n-nodes-jelou.jelouTool`). `parameters` as the editor stores them, with
 * `$fromAI(...)` expressions where the model fills a value; `description` sets the tool
 * description by hand (otherwise n8n makes it from the operation).
 * @param {{ name: string, credential: { id: string, name: string }, parameters: Record<string, any>,
 *   description?: string, typeVersion?: number }} opts
 */
function jelouTool({ name, credential, parameters, description, typeVersion = 1 }) {
	const params = description
		? { descriptionType: 'manual', toolDescription: description, ...parameters }
		: { descriptionType: 'auto', ...parameters };
	return node(name, JELOU_TOOL_TYPE, typeVersion, params, {
		credentials: { [CREDENTIAL_TYPE]: credentialRef(credential) },
	});
}

/** MCP Server Trigger (v2 and later: SSE and streamable HTTP on /mcp/<path>), no authentication. */
function mcpTrigger({ name = 'MCP Server Trigger', path, webhookId, typeVersion = 2 }) {
	return node(name, MCP_TRIGGER_TYPE, typeVersion, { authentication: 'none', path }, { webhookId });
}

/** `sub` feeds `target` through the AI connection `type` (ai_languageModel, ai_tool). */
function connectAi(connections, sub, target, type) {
	const out = (connections[sub.name] = connections[sub.name] || {});
	out[type] = [[...((out[type] && out[type][0]) || []), { node: target.name, type, index: 0 }]];
}

/**
 * Manual Trigger → the steps in a line. A step is a plain node (e.g. a sandbox control) or
 * { agent, model, tools }: the agent in the main line, its chat model and tools attached.
 */
function agentWorkflow({ id, name, steps }) {
	const main = [wf.manualTrigger()];
	const subs = [];
	const connections = {};
	for (const step of steps) {
		if (!step.agent) {
			main.push(step);
			continue;
		}
		main.push(step.agent);
		connectAi(connections, step.model, step.agent, 'ai_languageModel');
		// A sub-node may serve several agents (the same tools in every step): list it once.
		for (const sub of [step.model, ...step.tools]) if (!subs.includes(sub)) subs.push(sub);
		for (const tool of step.tools) connectAi(connections, tool, step.agent, 'ai_tool');
	}
	main.forEach((n, i) => {
		n.position = [i * 300, 0];
	});
	subs.forEach((n, i) => {
		n.position = [i * 160, 260];
	});
	Object.assign(connections, wf.chain(...main.map((n) => n.name)));
	return wf.workflow({ id, name, nodes: [...main, ...subs], connections });
}

/** MCP Server Trigger with the given tools attached (activate it in `n8n start`). */
function mcpWorkflow({ id, name, trigger, tools }) {
	const connections = {};
	for (const tool of tools) connectAi(connections, tool, trigger, 'ai_tool');
	tools.forEach((n, i) => {
		n.position = [i * 200, 260];
	});
	return wf.workflow({ id, name, nodes: [trigger, ...tools], connections });
}

module.exports = {
	AGENT_TYPE,
	CHAT_MODEL_TYPE,
	MCP_TRIGGER_TYPE,
	JELOU_TOOL_TYPE,
	AGENT_VERSION,
	toolName,
	requestsFor,
	openAiCredential,
	chatModel,
	agent,
	jelouTool,
	mcpTrigger,
	agentWorkflow,
	mcpWorkflow,
};
