import nock from 'nock';

/**
 * For a test file whose requests nock answers: nothing leaves the machine, and every test must use
 * every answer it set up (a request the node did not send fails the test that expected it).
 */
export function answerWithNockOnly(): void {
	beforeAll(() => nock.disableNetConnect());
	afterEach(() => {
		const pending = nock.pendingMocks();
		nock.cleanAll();
		expect(pending).toEqual([]);
	});
	afterAll(() => nock.enableNetConnect());
}

/** What reached the wire for one request: path, raw body and headers. */
export interface Seen {
	path: string;
	body: string;
	headers: Record<string, unknown>;
}

/** Answers `reply` with `status`; returns the list where what reached the wire is recorded. */
export function capture(
	scope: nock.Interceptor,
	status: number,
	reply: unknown,
	seen: Seen[] = [],
): Seen[] {
	scope.reply(function (uri, body) {
		seen.push({
			path: uri,
			body: typeof body === 'string' ? body : JSON.stringify(body),
			headers: this.req.headers,
		});
		return [status, reply as nock.Body];
	});
	return seen;
}

/**
 * Like `answerWithNockOnly`, for a file that also runs real servers on 127.0.0.1: loopback stays
 * reachable, spies are restored after each test, and `cleanUp` (closing those servers) runs first.
 */
export function answerWithNockAndLoopback(cleanUp: () => Promise<void> = async () => {}): void {
	beforeAll(() => {
		nock.disableNetConnect();
		nock.enableNetConnect('127.0.0.1');
	});
	afterEach(async () => {
		await cleanUp();
		const pending = nock.pendingMocks();
		nock.cleanAll();
		jest.restoreAllMocks();
		expect(pending).toEqual([]);
	});
	afterAll(() => nock.enableNetConnect());
}
