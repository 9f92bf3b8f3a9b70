/** Integration → Get: the integration as Jelou returns it; a 404 means the project has none. */
import nock from 'nock';

import { envelope, errorBody } from '../../../../fixtures/conversations';
import { runNode } from '../../../../support/context';
import { HOST, PREFIX, credentials, node } from '../../../../support/operation';
import { answerWithNockOnly } from '../../../../support/nock';

answerWithNockOnly();

describe('Integration → Get', () => {
	it('Get returns the integration; a 404 says the project has none', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1`)
			.reply(
				200,
				envelope({
					brainId: 'b-1',
					webhookUrl: 'https://panel.example/hook',
					createdAt: '2026-01-01T00:00:00Z',
				}),
			);
		nock(HOST).get(`${PREFIX}/proj-2`).reply(404, errorBody('Integration not found'));

		const { output } = await runNode(node, {
			items: [{ p: 'proj-1' }, { p: 'proj-2' }],
			params: {
				resource: 'integration',
				operation: 'get',
				projectId: (item: { json: { p: string } }) => item.json.p,
				options: { concurrency: 1 },
			},
			credentials,
			continueOnFail: true,
		});
		expect(output[0].json).toEqual({
			brainId: 'b-1',
			webhookUrl: 'https://panel.example/hook',
			createdAt: '2026-01-01T00:00:00Z',
		});
		expect(output[1].json).toEqual({
			error: "Project 'proj-2' has no External Support integration (HTTP 404)",
		});
	});
});
