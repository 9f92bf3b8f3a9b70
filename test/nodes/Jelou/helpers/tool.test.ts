import type { INode, INodeProperties } from 'n8n-workflow';

import {
	isToolNode,
	notInTool,
	onlyInTool,
	redactDeep,
	toolErrorResult,
} from '../../../../nodes/Jelou/helpers/tool';

const redact = (text: string) => text.split('s3cret').join('[redacted]');

describe('isToolNode', () => {
	it('is true for the type n8n builds from usableAsTool only', () => {
		const node = (type: string) => ({ type }) as INode;
		expect(isToolNode(node('n8n-nodes-jelou.jelouTool'))).toBe(true);
		expect(isToolNode(node('n8n-nodes-jelou.jelou'))).toBe(false);
		expect(isToolNode(node('n8n-nodes-jelou.jelouTrigger'))).toBe(false);
	});
});

describe('notInTool / onlyInTool', () => {
	const field: INodeProperties = {
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		displayOptions: { show: { resource: ['integration'] }, hide: { operation: ['delete'] } },
	};

	it('add the @tool condition and keep the others', () => {
		expect(notInTool([field])[0].displayOptions).toEqual({
			show: { resource: ['integration'], '@tool': [false] },
			hide: { operation: ['delete'] },
		});
		expect(onlyInTool({ ...field, displayOptions: undefined }).displayOptions).toEqual({
			show: { '@tool': [true] },
		});
		expect(field.displayOptions?.show).toEqual({ resource: ['integration'] });
	});
});

describe('toolErrorResult', () => {
	it('is the message and the hint, nothing else', () => {
		const error = Object.assign(new Error('Jelou rejected the credentials (HTTP 401)'), {
			description: 'Check the Jelou API credential.',
			httpCode: '401',
		});
		expect(toolErrorResult(error)).toEqual({
			error: 'Jelou rejected the credentials (HTTP 401)',
			hint: 'Check the Jelou API credential.',
		});
		expect(toolErrorResult({ message: 'Failed', description: ' ' })).toEqual({ error: 'Failed' });
		expect(toolErrorResult({ message: 'Failed', description: null })).toEqual({ error: 'Failed' });
	});
});

describe('redactDeep', () => {
	it('scrubs every string, in keys, values, arrays and nested objects', () => {
		expect(
			redactDeep(
				{ a: 'x s3cret y', list: ['s3cret', 1, null, { s3cret: true }], n: 5, ok: false },
				redact,
			),
		).toEqual({
			a: 'x [redacted] y',
			list: ['[redacted]', 1, null, { '[redacted]': true }],
			n: 5,
			ok: false,
		});
	});

	it('returns the same objects when nothing holds a secret (no copy per item)', () => {
		const inner = { b: ['c', { d: 'e' }] };
		const value = { a: 'plain', inner };
		const result = redactDeep(value, redact);
		expect(result).toBe(value);
		expect(result.inner).toBe(inner);
	});
});
