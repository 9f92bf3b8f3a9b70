/**
 * Concurrency through the whole node: without the option the limit adapts (it starts at 10 and
 * climbs while answers stay fast); with the option set it is that fixed number, as before.
 * A loopback server counts the requests in flight; no assertion on durations.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { Jelou } from '../../../../nodes/Jelou/Jelou.node';
import { MAX_CONCURRENCY as ADAPTIVE_CEILING } from '../../../../nodes/Jelou/transport/flow';
import { closedConversation, envelope } from '../../../fixtures/conversations';
import { apiKeyCredentials, runNode } from '../../../support/context';
import { freezeDate } from '../../../support/clock';

const node = new Jelou();

/**
 * Answers each request after `delayMs`, or, with `holdUntil`, holds the answers until that many
 * are waiting (or `total` requests have arrived) and then sends them all: a node that kept fewer
 * in flight would never be answered.
 */
async function slowServer(
	delayMs: number,
	hold?: { holdUntil: number; total: number },
	/** Holds the first this-many answers until that many requests are in flight. */
	holdFirst = 0,
) {
	let inFlight = 0;
	let maxInFlight = 0;
	let arrived = 0;
	const held: Array<() => void> = [];
	const firstInFlight: number[] = [];
	const server = createServer((req, res) => {
		inFlight++;
		arrived++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		if (firstInFlight.length < 11) firstInFlight.push(inFlight);
		const answer = () => {
			const id = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(envelope({ ...closedConversation, _id: id })), () => inFlight--);
		};
		if (!hold) {
			if (arrived > holdFirst) setTimeout(answer, delayMs);
			else held.push(answer);
			if (arrived === holdFirst) held.splice(0).forEach((send) => setTimeout(send, delayMs));
			return;
		}
		held.push(answer);
		if (held.length === hold.holdUntil || arrived === hold.total)
			held.splice(0).forEach((send) => send());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/jelouapi/v1`,
		get maxInFlight() {
			return maxInFlight;
		},
		firstInFlight,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

function run(count: number, options: IDataObject, baseUrl: string) {
	const ids = Array.from({ length: count }, (_, i) => `c-${i}`);
	return {
		ids,
		result: runNode(node, {
			items: ids.map((id) => ({ id })),
			params: {
				resource: 'conversation',
				operation: 'get',
				projectId: 'proj-1',
				conversationId: (item: INodeExecutionData) => item.json.id,
				simplify: false,
				options,
			},
			credentials: { ...apiKeyCredentials, baseUrl },
		}),
	};
}

jest.setTimeout(30_000);

describe('Concurrency option', () => {
	it('unset: starts with 10 in flight and climbs past them while answers stay fast', async () => {
		// The limit follows measured latencies; on a busy machine those rise with the machine's
		// load, not the server's. Date (the transport's clock) stands still here: every answer
		// counts as equally fast, so the climb does not depend on how busy the machine is.
		freezeDate();
		// The first 10 answers wait until 10 requests are in flight: a node that started with
		// fewer would never get them.
		const server = await slowServer(20, undefined, 10);
		try {
			const { ids, result } = run(400, {}, server.baseUrl);
			const { output } = await result;
			expect(output.map((item) => item.json._id)).toEqual(ids);
			expect(output.map((item) => item.pairedItem)).toEqual(ids.map((_, i) => ({ item: i })));
			// The first 10 go out together; the 11th waits for an answer.
			expect(server.firstInFlight.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
			expect(server.firstInFlight[10]).toBeLessThanOrEqual(10);
			expect(server.maxInFlight).toBeGreaterThan(10);
			expect(server.maxInFlight).toBeLessThanOrEqual(ADAPTIVE_CEILING);
		} finally {
			jest.useRealTimers();
			await server.close();
		}
	});

	it.each([1, 10, 25])('set to %i: exactly that many in flight, as before', async (concurrency) => {
		const count = Math.max(8, 3 * concurrency);
		const server = await slowServer(0, { holdUntil: concurrency, total: count });
		try {
			const { ids, result } = run(count, { concurrency }, server.baseUrl);
			const { output } = await result;
			expect(output.map((item) => item.json._id)).toEqual(ids);
			expect(server.maxInFlight).toBe(concurrency);
		} finally {
			await server.close();
		}
	});
});
