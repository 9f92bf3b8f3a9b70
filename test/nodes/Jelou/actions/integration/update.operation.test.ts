import nock from 'nock';
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { envelope, errorBody } from '../../../../fixtures/conversations';
import { apiKeyCredentials, expectNoSecrets, runNode } from '../../../../support/context';
import { answerWithNockOnly } from '../../../../support/nock';
import { HOST, PREFIX as PATH, node } from '../../../../support/operation';

const integration = {
	id: 'int-1',
	brainId: 'proj-1',
	webhookUrl: 'https://panel.example.com/v2',
	authType: 'bearer',
	createdAt: '2026-01-15T10:30:00.000Z',
	updatedAt: '2026-01-20T14:45:00.000Z',
};

function params(updateFields: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return {
		resource: 'integration',
		operation: 'update',
		projectId: 'proj-1',
		updateFields,
		options: { maxRetries: 2 },
		...extra,
	};
}

/** Replies `reply` to one PATCH and keeps the parsed body that was sent. */
function patch(project: string, status: number, reply: unknown, bodies: unknown[]) {
	return nock(HOST)
		.patch(`${PATH}/${project}`)
		.reply((_uri, body) => {
			bodies.push(typeof body === 'string' ? JSON.parse(body) : body);
			return [status, reply as nock.Body];
		});
}

answerWithNockOnly();

describe('Integration → Update', () => {
	it('sends only the fields that were added, under Jelou names, and returns the integration', async () => {
		const bodies: unknown[] = [];
		patch('proj-1', 200, envelope(integration), bodies);
		const { output } = await runNode(node, {
			params: params({ webhookUrl: ' https://panel.example.com/v2 ' }),
			credentials: apiKeyCredentials,
		});
		expect(bodies).toEqual([{ webhookUrl: 'https://panel.example.com/v2' }]);
		expect(output.map((item) => item.json)).toEqual([integration]);
	});

	it('sends authType and authorization; never outputs an echoed authorization', async () => {
		const bodies: unknown[] = [];
		patch(
			'proj-1',
			200,
			{ ...integration, authType: 'api_key', authorization: 'hook-key-5ecr3t' },
			bodies,
		);
		const { output } = await runNode(node, {
			params: params({ webhookAuthType: 'api_key', webhookSecret: 'hook-key-5ecr3t' }),
			credentials: apiKeyCredentials,
		});
		expect(bodies).toEqual([{ authType: 'api_key', authorization: 'hook-key-5ecr3t' }]);
		expect(output[0].json).toEqual({ ...integration, authType: 'api_key' });
		expect(JSON.stringify(output)).not.toContain('hook-key-5ecr3t');
	});

	it('no_auth sends no authorization even if a secret is left in the collection', async () => {
		const bodies: unknown[] = [];
		patch('proj-1', 200, integration, bodies);
		await runNode(node, {
			params: params({ webhookAuthType: 'no_auth', webhookSecret: 'stale' }),
			credentials: apiKeyCredentials,
		});
		expect(bodies).toEqual([{ authType: 'no_auth' }]);
	});

	it('an empty Update Fields fails that item before any request; the other items are updated', async () => {
		const bodies: unknown[] = [];
		patch('proj-2', 200, integration, bodies);
		const { output } = await runNode(node, {
			items: [{ url: '' }, { url: 'https://panel.example.com/v2' }],
			params: params(
				{},
				{
					projectId: (_item: unknown, index: number) => (index === 0 ? 'proj-1' : 'proj-2'),
					updateFields: (item: { json: { url: string } }) =>
						item.json.url ? { webhookUrl: item.json.url } : {},
				},
			),
			credentials: apiKeyCredentials,
			continueOnFail: true,
		});
		expect(output[0].json).toEqual({ error: 'Update Fields is empty (item 0)' });
		const error = output[0].error as NodeOperationError;
		expect(error.description).toBe(
			'Add at least one field to change under Update Fields: Webhook URL, Webhook Authentication or Webhook Secret. Nothing was sent to Jelou.',
		);
		expect(error.context.itemIndex).toBe(0);
		expect(output[1].json).toEqual(integration);
		expect(bodies).toHaveLength(1);
	});

	it('a blank or non-http Webhook URL, or a blank secret, fails before any request', async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ webhookUrl: '  ' }, 'Webhook URL is empty (item 0)'],
			[
				{ webhookUrl: 'ftp://panel.example.com' },
				'Webhook URL must be an http:// or https:// URL (item 0)',
			],
			[{ webhookAuthType: 'bearer', webhookSecret: '' }, 'Webhook Secret is empty (item 0)'],
		];
		for (const [fields, message] of cases) {
			await expect(
				runNode(node, { params: params(fields), credentials: apiKeyCredentials }),
			).rejects.toThrow(message);
		}
	});

	it('404 names the project; nothing leaks', async () => {
		nock(HOST).patch(`${PATH}/proj-9`).reply(404, errorBody('Integration not found'));
		const { output } = await runNode(node, {
			params: params({ webhookUrl: 'https://panel.example.com/v2' }, { projectId: 'proj-9' }),
			credentials: apiKeyCredentials,
			continueOnFail: true,
		});
		expect(output[0].json).toEqual({
			error: "Project 'proj-9' has no External Support integration (HTTP 404)",
		});
		expect((output[0].error as NodeApiError).httpCode).toBe('404');
		expectNoSecrets(output);
	});

	it('is resent after a 429 but not after a 503 (Jelou may have changed the webhook already)', async () => {
		const bodies: unknown[] = [];
		nock(HOST).patch(`${PATH}/proj-1`).reply(429, errorBody('slow down'), { 'Retry-After': '0' });
		patch('proj-1', 200, integration, bodies);
		const { output } = await runNode(node, {
			params: params({ webhookUrl: 'https://panel.example.com/v2' }),
			credentials: apiKeyCredentials,
		});
		expect(output[0].json).toEqual(integration);
		expect(bodies).toHaveLength(1);

		nock(HOST).patch(`${PATH}/proj-1`).once().reply(503, errorBody('unavailable'));
		const failed = await runNode(node, {
			params: params({ webhookUrl: 'https://panel.example.com/v2' }),
			credentials: apiKeyCredentials,
			continueOnFail: true,
		});
		expect(failed.output[0].json).toEqual({
			error: 'Jelou failed to process the request (HTTP 503): unavailable',
		});
	});
});
