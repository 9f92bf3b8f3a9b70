/** Integration → Create: the webhook and its authentication sent, the one-time signingSecret returned. */
import nock from 'nock';

import { SIGNING_SECRET_NOTICE } from '../../../../../nodes/Jelou/actions/integration/create.operation';
import { envelope } from '../../../../fixtures/conversations';
import { runNode } from '../../../../support/context';
import { HOST, PREFIX, credentials, node } from '../../../../support/operation';
import { answerWithNockOnly, capture } from '../../../../support/nock';

answerWithNockOnly();

describe('Integration → Create', () => {
	it('Create sends the webhook and its authentication, returns the one-time signingSecret with a notice, never the webhook secret', async () => {
		const seen = capture(
			nock(HOST).post(`${PREFIX}/proj-1`),
			201,
			envelope({
				brainId: 'b-1',
				webhookUrl: 'https://n8n.example/webhook/jelou',
				authType: 'bearer',
				authorization: 'hook-token-1',
				signingSecret: 'new-signing-secret',
			}),
		);

		const { output } = await runNode(node, {
			params: {
				resource: 'integration',
				operation: 'create',
				projectId: 'proj-1',
				webhookUrl: ' https://n8n.example/webhook/jelou ',
				webhookAuthType: 'bearer',
				webhookSecret: 'hook-token-1',
			},
			credentials,
		});

		expect(JSON.parse(seen[0].body)).toEqual({
			webhookUrl: 'https://n8n.example/webhook/jelou',
			authType: 'bearer',
			authorization: 'hook-token-1',
		});
		expect(output[0].json).toEqual({
			brainId: 'b-1',
			webhookUrl: 'https://n8n.example/webhook/jelou',
			authType: 'bearer',
			signingSecret: 'new-signing-secret',
			notice: SIGNING_SECRET_NOTICE,
		});
	});

	it('Create with no_auth sends no authorization; a bad URL fails before any request', async () => {
		const seen = capture(
			nock(HOST).post(`${PREFIX}/proj-1`),
			200,
			envelope({ webhookUrl: 'https://x.example/h', signingSecret: 's' }),
		);
		await runNode(node, {
			params: {
				resource: 'integration',
				operation: 'create',
				projectId: 'proj-1',
				webhookUrl: 'https://x.example/h',
				webhookAuthType: 'no_auth',
			},
			credentials,
		});
		expect(JSON.parse(seen[0].body)).toEqual({
			webhookUrl: 'https://x.example/h',
			authType: 'no_auth',
		});

		const bad = runNode(node, {
			params: {
				resource: 'integration',
				operation: 'create',
				projectId: 'proj-1',
				webhookUrl: 'ftp://x',
				webhookAuthType: 'no_auth',
			},
			credentials,
		});
		await expect(bad).rejects.toThrow('Webhook URL must be an http:// or https:// URL (item 0)');
	});
});
