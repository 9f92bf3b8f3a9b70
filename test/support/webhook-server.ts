/**
 * A local HTTP server that plays n8n's webhook endpoint: it feeds each request it receives (raw
 * body and headers) into JelouTrigger.webhook() through the fake context and answers what n8n
 * would. For tests that deliver events over real HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { callWebhook, type WebhookCall, type WebhookOutcome } from './context';

export interface FakeN8n {
	/** Base address; the trigger's webhook URL is `${url}/webhook/<id>/jelou`. */
	url: string;
	/** What webhook() returned for each request, in order. */
	outcomes: WebhookOutcome[];
	/** Resolves once `count` webhook requests have been handled (no polling, no deadline). */
	outcomeCount(count: number): Promise<void>;
	close(): Promise<void>;
}

/** `settings` gives the parameters, credentials and static data of the trigger for each request. */
export async function fakeN8n(
	settings: () => Omit<WebhookCall, 'body' | 'headers'>,
): Promise<FakeN8n> {
	const outcomes: WebhookOutcome[] = [];
	let waiters: Array<() => void> = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const headers: Record<string, string | string[]> = {};
			for (const [name, value] of Object.entries(req.headers))
				if (value !== undefined) headers[name] = value;
			callWebhook({ ...settings(), body: Buffer.concat(chunks), headers })
				.then((outcome) => {
					outcomes.push(outcome);
					const waiting = waiters;
					waiters = [];
					for (const wake of waiting) wake();
					res.writeHead(outcome.status, { 'content-type': 'application/json' });
					res.end(JSON.stringify(outcome.responseBody));
				})
				.catch((error: Error) => {
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ error: error.message }));
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		outcomes,
		outcomeCount: async (count) => {
			while (outcomes.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
		},
		close: async () => {
			// Keep-alive connections of the sender would hold the server open.
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
