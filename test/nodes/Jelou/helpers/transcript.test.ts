import { simplifyMessage, transcriptOf } from '../../../../nodes/Jelou/helpers/transcript';

describe('simplifyMessage and transcriptOf', () => {
	it('reads a message with almost nothing in it', () => {
		expect(simplifyMessage({})).toEqual({
			time: null,
			direction: 'unknown',
			sender: 'unknown',
			type: 'unknown',
			text: '',
			mediaUrl: null,
			messageId: null,
		});
		expect(simplifyMessage({ by: 'operator', sender: { id: 'agent-7' } })).toMatchObject({
			direction: 'outgoing',
			sender: 'agent-7',
		});
	});

	it('writes media as "[type] url", and a media message without URL as "[type]"', () => {
		const { transcript } = transcriptOf([
			simplifyMessage({
				createdAt: '2026-01-15T10:00:00Z',
				by: 'user',
				sender: { names: 'Ana' },
				bubble: { type: 'AUDIO', mediaUrl: 'https://m.example/a.ogg' },
			}),
			simplifyMessage({ createdAt: 'soon', by: 'bot', bubble: { type: 'IMAGE' } }),
		]);
		expect(transcript).toBe(
			'2026-01-15 10:00:00 UTC Ana: [audio] https://m.example/a.ogg\nsoon bot: [image]',
		);
	});
});
