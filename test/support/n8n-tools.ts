/**
 * How n8n turns the Jelou node into the AI Agent's tool, with n8n's own code. The conversion lives
 * in the `n8n` package (not in n8n-workflow), so it is loaded from the pinned runtimes under
 * tools/runtime when they are installed (`npm run test:e2e` installs them; CI's unit stage runs
 * before that, so the runtime tests are skipped there and say so). n8n-workflow's part, which
 * decides what the tool shows (`@tool`, `@version`) and its description, is also loaded from the
 * same runtime, so each line is checked with its own code.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INode, INodeParameters, INodeTypeDescription } from 'n8n-workflow';

/** n8n-workflow's NodeHelpers functions the tests use (same signature on both lines). */
export interface NodeHelpersLike {
	getNodeParameters(
		properties: INodeTypeDescription['properties'],
		nodeValues: INodeParameters,
		returnDefaults: boolean,
		returnNoneDisplayed: boolean,
		node: Partial<INode> | null,
		nodeTypeDescription: INodeTypeDescription | null,
	): INodeParameters | null;
	displayParameter(
		nodeValues: INodeParameters,
		parameter: INodeTypeDescription['properties'][number],
		node: Partial<INode> | null,
		nodeTypeDescription: INodeTypeDescription | null,
	): boolean;
	getToolDescriptionForNode(
		node: Pick<INode, 'parameters'>,
		nodeType: { description: INodeTypeDescription },
	): string;
}

export interface N8nLine {
	label: string;
	NodeHelpers: NodeHelpersLike;
	/** The tool as the editor lists it (`usableAsTool.replacements` applied), built by n8n. */
	editorTool(description: INodeTypeDescription): INodeTypeDescription;
	/** The tool as n8n builds it to run a workflow (without the replacements), built by n8n. */
	runtimeTool(description: INodeTypeDescription): INodeTypeDescription;
}

const RUNTIMES = [
	{ label: 'n8n 1.123', dir: 'tools/runtime/n8n-1/node_modules' },
	{ label: 'n8n 2.41', dir: 'tools/runtime/n8n-2/node_modules' },
];

const copy = (description: INodeTypeDescription): INodeTypeDescription =>
	JSON.parse(JSON.stringify(description)) as INodeTypeDescription;

/* eslint-disable @typescript-eslint/no-require-imports */
function load(label: string, modules: string): N8nLine {
	const { NodeHelpers } = require(join(modules, 'n8n-workflow')) as {
		NodeHelpers: NodeHelpersLike;
	};
	const generation = join(modules, 'n8n/dist/tool-generation/ai-tools.js');
	if (existsSync(generation)) {
		// n8n 2.x: the conversion is a module of plain functions.
		const tools = require(generation) as {
			createAiTools(types: { nodes: INodeTypeDescription[] }, known: unknown): void;
			convertNodeToAiTool(item: { description: INodeTypeDescription }): {
				description: INodeTypeDescription;
			};
		};
		return {
			label,
			NodeHelpers,
			editorTool(description) {
				const types = { nodes: [copy(description)] };
				tools.createAiTools(types, { nodes: { [description.name]: {} }, credentials: {} });
				return types.nodes[1];
			},
			runtimeTool: (description) =>
				tools.convertNodeToAiTool({ description: copy(description) }).description,
		};
	}
	// n8n 1.x: the conversion is a method of LoadNodesAndCredentials; it uses nothing of the
	// instance but these fields, so it runs on a plain object holding them.
	const { LoadNodesAndCredentials } = require(
		join(modules, 'n8n/dist/load-nodes-and-credentials.js'),
	) as {
		LoadNodesAndCredentials: {
			prototype: {
				createAiTools(this: unknown): void;
				convertNodeToAiTool(this: unknown, item: unknown): { description: INodeTypeDescription };
				findLastCalloutIndex: unknown;
			};
		};
	};
	const methods = LoadNodesAndCredentials.prototype;
	const instance = (nodes: INodeTypeDescription[], name: string) => ({
		types: { nodes },
		known: { nodes: { [name]: {} }, credentials: {} },
		convertNodeToAiTool: methods.convertNodeToAiTool,
		findLastCalloutIndex: methods.findLastCalloutIndex,
	});
	return {
		label,
		NodeHelpers,
		editorTool(description) {
			const self = instance([copy(description)], description.name);
			methods.createAiTools.call(self);
			return self.types.nodes[1];
		},
		runtimeTool: (description) =>
			methods.convertNodeToAiTool.call(instance([], description.name), {
				description: copy(description),
			}).description,
	};
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The n8n lines installed under tools/runtime, with the label of every one that is missing. */
export function installedN8nLines(): { lines: N8nLine[]; missing: string[] } {
	const root = join(__dirname, '..', '..');
	const lines: N8nLine[] = [];
	const missing: string[] = [];
	for (const { label, dir } of RUNTIMES) {
		const modules = join(root, dir);
		if (existsSync(join(modules, 'n8n', 'package.json'))) lines.push(load(label, modules));
		else missing.push(label);
	}
	return { lines, missing };
}
