import {client, PluginClientError} from './client';

interface FakeResponse {
    ok: boolean;
    status: number;
    json: () => Promise<unknown>;
}

function respond(status: number, body: unknown): FakeResponse {
    return {ok: status >= 200 && status < 300, status, json: async () => (body === undefined ? Promise.reject(new SyntaxError('no body')) : body)};
}

const decided = {session_id: 's 1', request_id: 'r/1', tool_name: 'Bash', input: {command: 'ls'}, status: 'approved', decided_by: 'alice', decided_at: 1735814520000};

describe('plugin client', () => {
    let fetchMock: jest.Mock;

    beforeEach(() => {
        fetchMock = jest.fn();
        globalThis.fetch = fetchMock as unknown as typeof fetch;
        client.setSiteURL(() => 'https://chat.example.com/team-chat');
        document.cookie = 'MMCSRF=csrf-token-123';
    });

    it('posts a decision to the plugin route with the CSRF header and the session cookie', async () => {
        fetchMock.mockResolvedValue(respond(200, {approval: decided}));

        const approval = await client.decide('s 1', 'r/1', 'approve');

        expect(approval).toMatchObject({status: 'approved', decided_by: 'alice'});
        expect(fetchMock).toHaveBeenCalledTimes(1);
        const [url, options] = fetchMock.mock.calls[0] as [string, RequestInit & {headers: Record<string, string>}];
        expect(url).toBe('https://chat.example.com/team-chat/plugins/claude-mattermost/api/v1/sessions/s%201/approvals/r%2F1/decide');
        expect(options.method).toBe('post');
        expect(JSON.parse(options.body as string)).toEqual({decision: 'approve', reason: ''});
        expect(options.headers['X-CSRF-Token']).toBe('csrf-token-123');
        expect(options.headers['X-Requested-With']).toBe('XMLHttpRequest');
        expect(options.headers['Content-Type']).toBe('application/json');
        expect(options.credentials).toBe('include');
    });

    it('passes the server\'s message on a refusal', async () => {
        fetchMock.mockResolvedValue(respond(403, {error: 'Only session participants can decide'}));

        await expect(client.decide('s1', 'r1', 'deny')).rejects.toEqual(new PluginClientError('Only session participants can decide', 403));
    });

    it('carries the current approval when someone decided first', async () => {
        fetchMock.mockResolvedValue(respond(409, {error: 'already decided', approval: {...decided, status: 'denied', decided_by: 'bob'}}));

        const error = await client.decide('s1', 'r1', 'approve').catch((e: unknown) => e);

        expect(error).toBeInstanceOf(PluginClientError);
        expect((error as PluginClientError).status).toBe(409);
        expect((error as PluginClientError).approval).toMatchObject({status: 'denied', decided_by: 'bob'});
    });

    it('explains a failure without a JSON body', async () => {
        fetchMock.mockResolvedValue(respond(502, undefined));

        await expect(client.decide('s1', 'r1', 'approve')).rejects.toThrow('The server answered 502.');
    });

    it('explains a network failure', async () => {
        fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));

        await expect(client.decide('s1', 'r1', 'approve')).rejects.toThrow('Could not reach the server');
    });

    it('rejects a success without an approval', async () => {
        fetchMock.mockResolvedValue(respond(200, {ok: true}));

        await expect(client.decide('s1', 'r1', 'approve')).rejects.toThrow('unexpected answer');
    });

    describe('team sessions', () => {
        function call(): [string, RequestInit & {headers: Record<string, string>}] {
            return fetchMock.mock.calls[0] as [string, RequestInit & {headers: Record<string, string>}];
        }

        it('decides a guest request on the plugin route', async () => {
            const guest = {session_id: 's1', request_id: 'g 1', user: {id: 'c', username: 'carol'}, text: 'hi', status: 'invited', decided_by: 'alice', decided_at: 1735814520000};
            fetchMock.mockResolvedValue(respond(200, {guest}));

            const recorded = await client.decideGuest('s1', 'g 1', 'invite');

            expect(recorded).toMatchObject({status: 'invited', decided_by: 'alice', user: {username: 'carol'}});
            const [url, options] = call();
            expect(url).toBe('https://chat.example.com/team-chat/plugins/claude-mattermost/api/v1/sessions/s1/guests/g%201/decide');
            expect(options.method).toBe('post');
            expect(JSON.parse(options.body as string)).toEqual({decision: 'invite'});
            expect(options.headers['X-CSRF-Token']).toBe('csrf-token-123');
        });

        it('answers null when the guest route sends no record', async () => {
            fetchMock.mockResolvedValue(respond(200, {ok: true}));

            await expect(client.decideGuest('s1', 'g1', 'allow')).resolves.toBeNull();
        });

        it('carries the guest request someone else decided first', async () => {
            fetchMock.mockResolvedValue(respond(409, {error: 'already decided', guest: {session_id: 's1', request_id: 'g1', status: 'denied', decided_by: 'bob'}}));

            const error = await client.decideGuest('s1', 'g1', 'allow').catch((e: unknown) => e);

            expect((error as PluginClientError).guest).toMatchObject({status: 'denied', decided_by: 'bob'});
        });

        it.each([
            ['interruptSession', 'interrupt'],
            ['stopSession', 'stop'],
        ] as const)('%s posts to /sessions/{id}/%s', async (method, action) => {
            fetchMock.mockResolvedValue(respond(200, {ok: true}));

            await client[method]('sess/1');

            const [url, options] = call();
            expect(url).toBe(`https://chat.example.com/team-chat/plugins/claude-mattermost/api/v1/sessions/sess%2F1/${action}`);
            expect(options.method).toBe('post');
            expect(options.headers['X-CSRF-Token']).toBe('csrf-token-123');
        });

        it('passes the server\'s refusal of a stop', async () => {
            fetchMock.mockResolvedValue(respond(403, {error: 'Only participants can stop this session'}));

            await expect(client.stopSession('s1')).rejects.toEqual(new PluginClientError('Only participants can stop this session', 403));
        });

        it('clicks a post\'s button through Mattermost\'s own actions route', async () => {
            fetchMock.mockResolvedValue(respond(200, {status: 'OK', trigger_id: 't1'}));

            await client.doPostAction('post1', 'include');

            const [url, options] = call();
            expect(url).toBe('https://chat.example.com/team-chat/api/v4/posts/post1/actions/include');
            expect(options.method).toBe('post');
            expect(options.headers['X-CSRF-Token']).toBe('csrf-token-123');
            expect(options.credentials).toBe('include');
        });

        it('shows Mattermost\'s own error message', async () => {
            fetchMock.mockResolvedValue(respond(400, {id: 'api.post.do_action.action_integration.app_error', message: 'Action integration error.', status_code: 400}));

            await expect(client.doPostAction('post1', 'include')).rejects.toThrow('Action integration error.');
        });
    });
});
