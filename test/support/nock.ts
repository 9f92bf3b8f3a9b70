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
