/**
 * The example workflow examples/ai-support-agent.json, read the way n8n reads it: its Jelou tools
 * use only parameters the tool variant shows, ids come from the trigger's event (the model cannot
 * point a tool at another conversation), and the model fills only the texts through `$fromAI`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INode, INodeParameters, IWorkflowBase } from 'n8n-workflow';
import { NodeHelpers, nodeNameToToolName, traverseNodeParameters } from 'n8n-workflow';

import { Jelou } from '../../nodes/Jelou/Jelou.node';

const workflow = JSON.parse(
	readFileSync(join(__dirname, '..', '..', 'examples', 'ai-support-agent.json'), 'utf8'),
) as IWorkflowBase;
const byName = (name: string): INode => {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`The example has no node "${name}"`);
	return node;
};
const tool = { ...new Jelou().description, name: 'jelouTool' };
const TOOLS = ['Get Conversation', 'Send Message', 'Close Conversation'];
const ID_PARAMETERS = ['projectId', 'conversationId', 'roomId', 'botId', 'userId'];

function fromAiKeys(parameters: INodeParameters): string[] {
	const calls: Array<{ key: string }> = [];
	traverseNodeParameters(parameters, calls);
	return calls.map((call) => call.key);
}

describe('examples/ai-support-agent.json', () => {
	it('has no fixed webhookId and no credential of its own', () => {
		for (const node of workflow.nodes) {
			expect(node).not.toHaveProperty('webhookId');
			expect(node).not.toHaveProperty('credentials');
		}
		expect(byName('Jelou Trigger')).toMatchObject({
			type: 'n8n-nodes-jelou.jelouTrigger',
			parameters: { events: ['message'] },
		});
	});

	it('gives the agent a chat model and the three Jelou tools', () => {
		const into = (from: string, type: string) =>
			workflow.connections[from]?.[type]?.[0]?.map((c) => c?.node);
		expect(byName('AI Support Agent').type).toBe('@n8n/n8n-nodes-langchain.agent');
		expect(byName('OpenAI Chat Model').type).toBe('@n8n/n8n-nodes-langchain.lmChatOpenAi');
		expect(into('Jelou Trigger', 'main')).toEqual(['AI Support Agent']);
		expect(into('OpenAI Chat Model', 'ai_languageModel')).toEqual(['AI Support Agent']);
		for (const name of TOOLS) {
			expect(byName(name)).toMatchObject({ type: 'n8n-nodes-jelou.jelouTool', typeVersion: 2 });
			expect(into(name, 'ai_tool')).toEqual(['AI Support Agent']);
		}
		// The hand-over branch: the If node's true output only.
		expect(into('AI Support Agent', 'main')).toEqual(['Hand Over to a Person?']);
		expect(workflow.connections['Hand Over to a Person?'].main).toEqual([
			[{ node: 'Notify Support Team', type: 'main', index: 0 }],
			[],
		]);
	});

	it('names the tools in the system message as the model sees them', () => {
		const system = String(
			(byName('AI Support Agent').parameters.options as INodeParameters).systemMessage,
		);
		for (const name of TOOLS) expect(system).toContain(nodeNameToToolName(name));
		expect(system).toContain('[HANDOVER]');
	});

	it.each([
		['Get Conversation', 'conversation', 'get', []],
		['Send Message', 'message', 'send', ['text']],
		['Close Conversation', 'conversation', 'close', ['closingMessage']],
	])(
		'%s runs %s → %s, its ids from the trigger, the model filling %j',
		(name, resource, operation, keys) => {
			const node = byName(name);
			const { descriptionType, toolDescription, ...parameters } = node.parameters;
			expect(descriptionType).toBe('manual');
			expect(String(toolDescription).length).toBeGreaterThan(20);
			expect(parameters).toMatchObject({ resource, operation });

			// Every parameter set is one n8n shows in the tool for this operation (a typo or a
			// parameter of another operation would be silently ignored by n8n).
			const shown = NodeHelpers.getNodeParameters(
				tool.properties,
				parameters,
				true,
				false,
				node,
				tool,
			);
			for (const key of Object.keys(parameters)) expect(shown).toHaveProperty(key);
			const additional = (parameters.additionalFields ?? {}) as INodeParameters;
			expect(shown?.additionalFields ?? {}).toEqual(additional);

			expect(fromAiKeys(parameters)).toEqual(keys);
			for (const id of ID_PARAMETERS.filter((key) => key in parameters)) {
				expect(String(parameters[id])).toMatch(/^=\{\{ \$\('Jelou Trigger'\)\.item\.json\./);
			}
		},
	);
});
