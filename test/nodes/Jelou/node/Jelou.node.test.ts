import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { Jelou } from '../../../../nodes/Jelou/Jelou.node';
import {
	DEFAULT_FIXED_CONCURRENCY,
	MAX_CONCURRENCY,
	DEFAULT_TRANSPORT_SETTINGS,
} from '../../../../nodes/Jelou/transport';
import codex from '../../../../nodes/Jelou/Jelou.node.json';

const { description } = new Jelou();
const byName = (name: string) => description.properties.filter((p) => p.name === name);

describe('Jelou node description', () => {
	it('keeps the public names saved workflows rely on', () => {
		expect(description.name).toBe('jelou');
		expect(description.displayName).toBe('Jelou');
		// Version 1 stays loadable (saved workflows store typeVersion 1); new nodes get 2.
		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
		expect(description.credentials).toEqual([
			{ name: 'jelouApi', required: true, testedBy: 'jelouApiTest' },
		]);
		const resource = byName('resource')[0];
		expect((resource.options as INodePropertyOptions[]).map((o) => o.value)).toContain(
			'conversation',
		);
		const operation = byName('operation').find((p) =>
			p.displayOptions?.show?.resource?.includes('conversation'),
		);
		const get = (operation?.options as INodePropertyOptions[]).find((o) => o.value === 'get');
		expect(get?.action).toBe('Get a conversation');
		expect(byName('conversationId')).toHaveLength(1);
		// Simplify: Conversation → Get (version 1) and Message → Get Many, each for its own operation.
		expect(byName('simplify').map((p) => p.displayOptions?.show?.resource)).toEqual([
			['conversation'],
			['message'],
		]);
		// One Project ID field per resource, each shown only for its resource.
		const projectFields = byName('projectId').map((p) => p.displayOptions?.show?.resource);
		expect(projectFields).toEqual([['conversation'], ['message'], ['integration']]);
		expect((resource.options as INodePropertyOptions[]).map((o) => o.value)).toEqual([
			'conversation',
			'integration',
			'message',
		]);
	});

	it('offers every operation with an action text', () => {
		const actions = byName('operation').flatMap((op) =>
			(op.options as INodePropertyOptions[]).map(
				(o) => `${op.displayOptions?.show?.resource?.[0]}:${o.value}:${o.action}`,
			),
		);
		expect(actions.sort()).toEqual([
			'conversation:close:Close a conversation',
			'conversation:get:Get a conversation',
			'conversation:start:Start a conversation',
			'integration:create:Create an integration',
			'integration:delete:Delete an integration',
			'integration:get:Get an integration',
			'integration:update:Update an integration',
			'message:getAll:Get many messages',
			'message:send:Send a message',
		]);
	});

	it('is usable as an AI tool, has light and dark icons and an operation subtitle', () => {
		const usable = description.usableAsTool;
		expect(typeof usable === 'object' && usable.replacements?.description).toMatch(
			/^Get, start and close the conversations/,
		);
		expect(JSON.stringify(usable)).not.toMatch(/integration/i);
		expect(description.icon).toEqual({ light: 'file:jelou.svg', dark: 'file:jelou.dark.svg' });
		expect(description.subtitle).toContain('$parameter["operation"]');
	});

	it('marks the ids required and the resource/operation pickers as non-expression', () => {
		for (const field of byName('projectId')) expect(field.required).toBe(true);
		expect(byName('conversationId')[0].required).toBe(true);
		expect(byName('resource')[0].noDataExpression).toBe(true);
		for (const op of byName('operation')) expect(op.noDataExpression).toBe(true);
	});

	it('shows option defaults equal to the transport defaults', () => {
		const options = byName('options')[0].options as INodeProperties[];
		const defaults = Object.fromEntries(options.map((o) => [o.name, o.default]));
		expect(defaults.maxRetries).toBe(DEFAULT_TRANSPORT_SETTINGS.maxRetries);
		expect(defaults.timeout).toBe(DEFAULT_TRANSPORT_SETTINGS.timeoutMs);
		// Unset, the node adapts; added, the option starts at today's fixed default.
		expect(DEFAULT_TRANSPORT_SETTINGS.concurrency).toBeUndefined();
		expect(defaults.concurrency).toBe(DEFAULT_FIXED_CONCURRENCY);
		// One ceiling for a set Concurrency and the adaptive limit alike.
		const concurrency = options.find((o) => o.name === 'concurrency');
		expect(concurrency?.typeOptions?.maxValue).toBe(MAX_CONCURRENCY);
	});

	it('has a codex with categories and a documentation link', () => {
		expect(codex.node).toBe('n8n-nodes-jelou.jelou');
		expect(codex.categories.length).toBeGreaterThan(0);
		expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
	});
});
