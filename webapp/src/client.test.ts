import {client, PluginClientError} from './client';

interface FakeResponse {
    ok: boolean;
    status: number;
    json: () => Promise<unknown>;
    text: () => Promise<string>;
}

function respond(status: number, body: unknown): FakeResponse {
    return {
        ok: status >= 200 && status < 300,
        status,
        json: async () => (body === undefined || typeof body === 'string' ? Promise.reject(new SyntaxError('not JSON')) : body),
        text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
    };
}

const decided = {session_id: 's 1', request_id: 'r/1', tool_name: 'Bash', input: {command: 'ls'}, status: 'approved', decided_by: 'alice', decided_at: 1735814520000};

describe('plugin client', () => {
    let fetchMock: jest.Mock;

    afterEach(() => {
        delete window.basename;
    });

    beforeEach(() => {
        fetchMock = jest.fn();
        globalThis.fetch = fetchMock as unknown as typeof fetch;
        // Served under a subpath; the server's Site URL is never read (url.ts).
        window.basename = '/team-chat';
        document.cookie = 'MMCSRF=csrf-token-123';
    });

    it('posts a decision to the plugin route with the CSRF header and the session cookie', async () => {
        fetchMock.mockResolvedValue(respond(200, {approval: decided}));

        const approval = await client.decide('s 1', 'r/1', 'approve');

        expect(approval).toMatchObject({status: 'approved', decided_by: 'alice'});
        expect(fetchMock).toHaveBeenCalledTimes(1);
        const [url, options] = fetchMock.mock.calls[0] as [string, RequestInit & {headers: Record<string, string>}];
        expect(url).toBe('http://localhost/team-chat/plugins/claude-mattermost/api/v1/sessions/s%201/approvals/r%2F1/decide');
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
            expect(url).toBe('http://localhost/team-chat/plugins/claude-mattermost/api/v1/sessions/s1/guests/g%201/decide');
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
            expect(url).toBe(`http://localhost/team-chat/plugins/claude-mattermost/api/v1/sessions/sess%2F1/${action}`);
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
            expect(url).toBe('http://localhost/team-chat/api/v4/posts/post1/actions/include');
            expect(options.method).toBe('post');
            expect(options.headers['X-CSRF-Token']).toBe('csrf-token-123');
            expect(options.credentials).toBe('include');
        });

        it('shows Mattermost\'s own error message', async () => {
            fetchMock.mockResolvedValue(respond(400, {id: 'api.post.do_action.action_integration.app_error', message: 'Action integration error.', status_code: 400}));

            await expect(client.doPostAction('post1', 'include')).rejects.toThrow('Action integration error.');
        });
    });

    describe('rich cards', () => {
        function call(): [string, RequestInit & {headers: Record<string, string>}] {
            return fetchMock.mock.calls[0] as [string, RequestInit & {headers: Record<string, string>}];
        }

        it('sends Approve all and a denial\'s reason in the decide body', async () => {
            fetchMock.mockResolvedValue(respond(200, {approval: decided}));

            await client.decide('s1', 'r1', 'approve_all');
            await client.decide('s1', 'r1', 'deny', 'not on main');

            expect(JSON.parse(fetchMock.mock.calls[0][1].body as string)).toEqual({decision: 'approve_all', reason: ''});
            expect(JSON.parse(fetchMock.mock.calls[1][1].body as string)).toEqual({decision: 'deny', reason: 'not on main'});
        });

        it('answers a question on its route with the answers by question', async () => {
            const question = {session_id: 's1', request_id: 'q/1', questions: [], status: 'answered', answers: {'Which?': 'Jest'}, answered_by: 'alice', answered_at: 1735814520000};
            fetchMock.mockResolvedValue(respond(200, {question}));

            const recorded = await client.answerQuestion('s1', 'q/1', {'Which?': 'Jest'});

            expect(recorded).toMatchObject({status: 'answered', answered_by: 'alice', answers: {'Which?': 'Jest'}});
            const [url, options] = call();
            expect(url).toBe('http://localhost/team-chat/plugins/claude-mattermost/api/v1/sessions/s1/questions/q%2F1/answer');
            expect(options.method).toBe('post');
            expect(JSON.parse(options.body as string)).toEqual({answers: {'Which?': 'Jest'}});
            expect(options.headers['X-CSRF-Token']).toBe('csrf-token-123');
        });

        it('carries the answer someone else gave first', async () => {
            fetchMock.mockResolvedValue(respond(409, {error: 'already answered', question: {session_id: 's1', request_id: 'q1', questions: [], status: 'answered', answered_by: 'bob'}}));

            const error = await client.answerQuestion('s1', 'q1', {}).catch((e: unknown) => e);

            expect((error as PluginClientError).question).toMatchObject({status: 'answered', answered_by: 'bob'});
        });

        it('fetches a tool\'s whole output as text', async () => {
            fetchMock.mockResolvedValue(respond(200, 'line 1\nline 2\n'));

            await expect(client.getToolOutput('s1', 'toolu_01')).resolves.toBe('line 1\nline 2\n');
            const [url, options] = call();
            expect(url).toBe('http://localhost/team-chat/plugins/claude-mattermost/api/v1/sessions/s1/outputs/toolu_01');
            expect(options.method).toBe('get');
            expect(options.credentials).toBe('include');
        });

        it('passes the server\'s refusal of an output', async () => {
            fetchMock.mockResolvedValue(respond(403, {error: 'Only channel members can read this output'}));

            await expect(client.getToolOutput('s1', 't1')).rejects.toThrow('Only channel members can read this output');
        });

        it.each([
            ['getMachines', 'machines', [{id: 'm1', name: 'laptop', online: true, last_seen: 1735814520000}], {id: 'm1', name: 'laptop', online: true, shared_by: ''}],
            ['getSessions', 'sessions', [{id: 's1', status: 'working', machine_name: 'laptop', root_id: 'r1', prompt: 'fix it'}], {id: 's1', status: 'working', root_id: 'r1'}],
            ['getPendingRequests', 'approvals', [{session_id: 's1', request_id: 'r1', kind: 'plan', tool_name: 'ExitPlanMode', post_id: 'p1'}], {kind: 'plan', post_id: 'p1'}],
        ] as const)('%s reads GET /me/%s', async (method, path, body, first) => {
            fetchMock.mockResolvedValue(respond(200, body));

            const items = await client[method]();

            expect(items).toHaveLength(1);
            expect(items[0]).toMatchObject(first);
            const [url, options] = call();
            expect(url).toBe(`http://localhost/team-chat/plugins/claude-mattermost/api/v1/me/${path}`);
            expect(options.method).toBe('get');
        });

        it('rejects a list answer that is not JSON', async () => {
            fetchMock.mockResolvedValue(respond(200, '<html>proxy</html>'));

            await expect(client.getMachines()).rejects.toThrow('unexpected answer');
        });
    });
});
