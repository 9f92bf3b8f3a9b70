import nock from 'nock';
import type { NodeApiError } from 'n8n-workflow';

import { errorBody } from '../../../../fixtures/conversations';
import { apiKeyCredentials, runNode } from '../../../../support/context';
import { answerWithNockOnly } from '../../../../support/nock';
import { HOST, PREFIX as PATH, node } from '../../../../support/operation';

const deleted = {
	message: ['Integration deleted successfully'],
	statusMessage: 'success',
	status: 1,
};

function params(extra: Record<string, unknown> = {}) {
	return {
		resource: 'integration',
		operation: 'delete',
		projectId: 'proj-1',
		options: { maxRetries: 2 },
		...extra,
	};
}

answerWithNockOnly();

describe('Integration → Delete', () => {
	it('sends DELETE without a body and outputs { deleted: true, projectId } per item', async () => {
		const bodies: string[] = [];
		for (const project of ['proj-1', 'proj-2']) {
			nock(HOST)
				.delete(`${PATH}/${project}`)
				.reply((_uri, body) => {
					bodies.push(typeof body === 'string' ? body : JSON.stringify(body));
					return [200, deleted];
				});
		}
		const { output } = await runNode(node, {
			items: [{ p: ' proj-1 ' }, { p: 'proj-2' }],
			params: params({ projectId: (item: { json: { p: string } }) => item.json.p }),
			credentials: apiKeyCredentials,
		});
		expect(output.map((item) => item.json)).toEqual([
			{ deleted: true, projectId: 'proj-1' },
			{ deleted: true, projectId: 'proj-2' },
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(bodies).toEqual(['', '']);
	});

	it('accepts an empty 204 as done', async () => {
		nock(HOST).delete(`${PATH}/proj-1`).reply(204);
		const { output } = await runNode(node, { params: params(), credentials: apiKeyCredentials });
		expect(output[0].json).toEqual({ deleted: true, projectId: 'proj-1' });
	});

	it('404 is a per-item error that names the project', async () => {
		nock(HOST).delete(`${PATH}/proj-1`).reply(404, errorBody('Integration not found'));
		nock(HOST).delete(`${PATH}/proj-2`).reply(200, deleted);
		const { output } = await runNode(node, {
			items: [{ p: 'proj-1' }, { p: 'proj-2' }],
			params: params({
				projectId: (item: { json: { p: string } }) => item.json.p,
				options: { concurrency: 1 },
			}),
			credentials: apiKeyCredentials,
			continueOnFail: true,
		});
		expect(output[0].json).toEqual({
			error: "Project 'proj-1' has no External Support integration (HTTP 404)",
		});
		expect((output[0].error as NodeApiError).context.itemIndex).toBe(0);
		expect(output[1].json).toEqual({ deleted: true, projectId: 'proj-2' });
	});

	it('is not resent after a 502 (it may already be gone), but is after a 429', async () => {
		nock(HOST).delete(`${PATH}/proj-1`).reply(429, errorBody('slow down'), { 'Retry-After': '0' });
		nock(HOST).delete(`${PATH}/proj-1`).reply(200, deleted);
		const { output } = await runNode(node, { params: params(), credentials: apiKeyCredentials });
		expect(output[0].json).toEqual({ deleted: true, projectId: 'proj-1' });

		nock(HOST).delete(`${PATH}/proj-1`).once().reply(502, errorBody('bad gateway'));
		await expect(
			runNode(node, { params: params(), credentials: apiKeyCredentials }),
		).rejects.toThrow('Jelou failed to process the request (HTTP 502): bad gateway');
	});

	it('a blank Project ID fails before any request', async () => {
		await expect(
			runNode(node, { params: params({ projectId: ' ' }), credentials: apiKeyCredentials }),
		).rejects.toThrow('Project ID is empty (item 0)');
	});
});
