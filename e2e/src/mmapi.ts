// The Mattermost REST API as the web and mobile apps use it: each Client is
// one logged-in user. Only what the suite and the demo need.
import {readFileSync} from 'node:fs';
import {basename} from 'node:path';

export interface User {
    id: string;
    username: string;
    is_bot?: boolean;
}

export interface Post {
    id: string;
    create_at: number;
    update_at: number;
    user_id: string;
    channel_id: string;
    root_id: string;
    message: string;
    type: string;
    props: Record<string, unknown> & {attachments?: Array<{actions?: Array<{id: string; name: string}>}>};
}

export class ApiError extends Error {
    constructor(readonly status: number, readonly body: string, what: string) {
        super(`${what}: HTTP ${status}: ${body.slice(0, 500)}`);
    }
}

export class Client {
    token = '';
    user!: User;

    constructor(readonly url: string) {}

    async request<T>(method: string, path: string, body?: unknown, what = `${method} ${path}`): Promise<T> {
        const headers: Record<string, string> = {'X-Requested-With': 'XMLHttpRequest'};
        if (this.token) {
            headers.Authorization = `Bearer ${this.token}`;
        }
        let payload: FormData | string | undefined;
        if (body instanceof FormData) {
            payload = body;
        } else if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
            payload = JSON.stringify(body);
        }
        const res = await fetch(`${this.url}${path}`, {method, headers, body: payload});
        const text = await res.text();
        if (!res.ok) {
            throw new ApiError(res.status, text, what);
        }
        return (text ? JSON.parse(text) : undefined) as T;
    }

    async login(loginId: string, password: string): Promise<this> {
        const res = await fetch(`${this.url}/api/v4/users/login`, {
            method: 'POST',
            headers: {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest'},
            body: JSON.stringify({login_id: loginId, password}),
        });
        if (!res.ok) {
            throw new ApiError(res.status, await res.text(), `log in as ${loginId}`);
        }
        this.token = res.headers.get('token') ?? '';
        this.user = (await res.json()) as User;
        return this;
    }

    createUser(username: string, password: string): Promise<User> {
        return this.request('POST', '/api/v4/users', {username, password, email: `${username}@example.com`}, `create user ${username}`);
    }

    async createTeam(name: string, displayName: string): Promise<{id: string; name: string}> {
        return this.request('POST', '/api/v4/teams', {name, display_name: displayName, type: 'O'}, `create team ${name}`);
    }

    async addToTeam(teamId: string, userId: string): Promise<void> {
        await this.request('POST', `/api/v4/teams/${teamId}/members`, {team_id: teamId, user_id: userId}, 'add team member');
    }

    createChannel(teamId: string, name: string, displayName: string): Promise<{id: string; name: string}> {
        return this.request('POST', '/api/v4/channels', {team_id: teamId, name, display_name: displayName, type: 'O'}, `create channel ${name}`);
    }

    async addToChannel(channelId: string, userId: string): Promise<void> {
        await this.request('POST', `/api/v4/channels/${channelId}/members`, {user_id: userId}, 'add channel member');
    }

    post(channelId: string, message: string, rootId = ''): Promise<Post> {
        return this.request('POST', '/api/v4/posts', {channel_id: channelId, message, root_id: rootId}, 'create post');
    }

    getPost(id: string): Promise<Post> {
        return this.request('GET', `/api/v4/posts/${id}`);
    }

    /** Posts of a thread, oldest first (the root included). */
    async thread(rootId: string): Promise<Post[]> {
        const list = await this.request<{order: string[]; posts: Record<string, Post>}>('GET', `/api/v4/posts/${rootId}/thread`);
        return Object.values(list.posts).sort((a, b) => a.create_at - b.create_at);
    }

    /** Posts of a channel, newest first. */
    async channelPosts(channelId: string): Promise<Post[]> {
        const list = await this.request<{order: string[]; posts: Record<string, Post>}>('GET', `/api/v4/channels/${channelId}/posts?per_page=200`);
        return list.order.map((id) => list.posts[id] as Post);
    }

    /** Clicks an interactive button, exactly as the apps do. */
    clickAction(postId: string, actionId: string): Promise<{trigger_id?: string}> {
        return this.request('POST', `/api/v4/posts/${postId}/actions/${actionId}`, {}, `click ${actionId} on ${postId}`);
    }

    executeCommand(channelId: string, command: string, rootId = ''): Promise<{text?: string; response_type?: string}> {
        return this.request('POST', '/api/v4/commands/execute', {channel_id: channelId, command, root_id: rootId}, `run ${command}`);
    }

    async uploadPlugin(bundlePath: string): Promise<{id: string}> {
        const form = new FormData();
        form.set('plugin', new Blob([readFileSync(bundlePath)]), basename(bundlePath));
        form.set('force', 'true');
        return this.request('POST', '/api/v4/plugins', form, 'upload the plugin bundle');
    }

    async enablePlugin(id: string): Promise<void> {
        await this.request('POST', `/api/v4/plugins/${id}/enable`, undefined, `enable plugin ${id}`);
    }

    async disablePlugin(id: string): Promise<void> {
        await this.request('POST', `/api/v4/plugins/${id}/disable`, undefined, `disable plugin ${id}`);
    }

    getUserByUsername(username: string): Promise<User> {
        return this.request('GET', `/api/v4/users/username/${username}`);
    }
}

/** Sets the plugin's System Console settings, as an admin would. */
export async function setPluginSettings(admin: Client, pluginId: string, settings: Record<string, unknown>): Promise<void> {
    const config = await admin.request<{PluginSettings: {Plugins: Record<string, Record<string, unknown>>}}>('GET', '/api/v4/config');
    const current = config.PluginSettings.Plugins[pluginId] ?? {};
    // Mattermost keeps plugin setting keys in lower case.
    for (const [k, v] of Object.entries(settings)) {
        current[k.toLowerCase()] = v;
    }
    config.PluginSettings.Plugins[pluginId] = current;
    await admin.request('PUT', '/api/v4/config', config, 'save the plugin settings');
}

/** Uploads a file into a channel as the apps do before posting it. */
export async function uploadFile(user: Client, channelId: string, name: string, data: Buffer, mime: string): Promise<string> {
    const form = new FormData();
    form.set('channel_id', channelId);
    form.set('files', new Blob([data], {type: mime}), name);
    const res = await user.request<{file_infos: Array<{id: string}>}>('POST', '/api/v4/files', form, `upload ${name}`);
    return (res.file_infos[0] as {id: string}).id;
}
