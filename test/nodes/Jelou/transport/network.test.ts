/**
 * Network failures are classified from the code n8n keeps, never from its wording. The shapes
 * below are those the real n8n hands back (checked against n8n-core 1.122 and 2.41): in 1.x the
 * NodeApiError keeps the code as `httpCode` and drops the cause; in 2.x the cause chain (axios'
 * error, then Node's) keeps `code`.
 */
import type { JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { networkError } from '../../../../nodes/Jelou/transport/network';
import { EXECUTE_NODE } from '../../../support/fake-n8n';

const URL = 'https://jelou.test/jelouapi/v1/external-support/p/conversations/c';

/** n8n 1.x: NodeApiError around the original error (its httpCode is the code). */
function n8n1(code: string, message: string, status?: number): unknown {
	const original: JsonObject = { message, code };
	if (status !== undefined) original.status = status;
	return new NodeApiError(EXECUTE_NODE, original);
}

/** n8n 2.x: the cause chain keeps axios' code, with a reworded message on top. */
function n8n2(code: string, status?: number): unknown {
	return {
		message: 'A reworded message that must not matter',
		httpCode: status !== undefined ? String(status) : code,
		cause: { name: 'AxiosError', code, message: 'original', cause: { code, message: 'original' } },
	};
}

describe('network failures are read from codes', () => {
	it.each([
		['n8n 1.x', n8n1('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')],
		['n8n 2.x', n8n2('ECONNREFUSED')],
	])('%s: a refused connection is "Could not reach Jelou" and not retried', (_, error) => {
		const failure = networkError(error, URL, 5, 30_000);
		expect(failure.message).toBe('Could not reach Jelou');
		expect(failure.description).toBe(
			'Request to jelou.test failed: the connection was refused (ECONNREFUSED). Check the Base URL of the credential and the network.',
		);
		expect(failure.retryable).toBe(false);
	});

	it.each([
		['n8n 1.x', n8n1('ECONNRESET', 'socket hang up')],
		['n8n 2.x', n8n2('ECONNRESET')],
	])('%s: a reset is an interruption, retried', (_, error) => {
		const failure = networkError(error, URL, 5, 30_000);
		expect(failure.message).toBe('The connection to Jelou was interrupted');
		expect(failure.description).toContain(
			'the connection was reset before the answer was complete (ECONNRESET)',
		);
		expect(failure.retryable).toBe(true);
	});

	it.each([
		['n8n 1.x', n8n1('ECONNABORTED', 'timeout of 300ms exceeded')],
		['n8n 2.x', n8n2('ECONNABORTED')],
	])('%s: ECONNABORTED is a time-out, retried', (_, error) => {
		const failure = networkError(error, URL, 300, 300);
		expect(failure.message).toBe('The request to Jelou timed out');
		expect(failure.description).toBe(
			'Request to jelou.test failed: no complete answer within 300 ms. Raise the Timeout option, or check the network.',
		);
		expect(failure.retryable).toBe(true);
	});

	it.each([
		[
			'n8n 1.x (only the status survives)',
			n8n1('ERR_BAD_RESPONSE', 'stream has been aborted', 200),
		],
		['n8n 2.x', n8n2('ERR_BAD_RESPONSE', 200)],
	])(
		'%s: a body cut short is an interruption, or a time-out once the time-out has passed',
		(_, error) => {
			expect(networkError(error, URL, 50, 300).message).toBe(
				'The connection to Jelou was interrupted',
			);
			expect(networkError(error, URL, 300, 300).message).toBe('The request to Jelou timed out');
		},
	);

	it("does not read n8n's reworded English", () => {
		const failure = networkError(
			new Error('The service refused the connection - perhaps it is offline'),
			URL,
			5,
			30_000,
		);
		expect(failure.description).not.toContain('ECONNREFUSED');
		expect(failure.retryable).toBe(false);
	});
});
