#!/usr/bin/env node
// Uploads and enables the built bundle on a running Mattermost server, for a
// quick edit-build-try loop: `make deploy`. Needs a system admin:
//   MM_SERVICESETTINGS_SITEURL=https://chat.example.com
//   MM_ADMIN_TOKEN=<personal access token>   (or MM_ADMIN_USERNAME + MM_ADMIN_PASSWORD)
import {readFileSync} from 'node:fs';
import {basename} from 'node:path';

const [bundle] = process.argv.slice(2);
const site = (process.env.MM_SERVICESETTINGS_SITEURL ?? '').replace(/\/+$/, '');
if (!bundle || !site) {
    console.error('usage: MM_SERVICESETTINGS_SITEURL=<url> MM_ADMIN_TOKEN=<token> node build/deploy.mjs <bundle.tar.gz>');
    process.exit(2);
}
const id = JSON.parse(readFileSync(new URL('../plugin.json', import.meta.url), 'utf8')).id;

async function call(method, path, {token, body, headers = {}} = {}) {
    const res = await fetch(site + path, {
        method,
        body,
        headers: {'X-Requested-With': 'XMLHttpRequest', ...(token ? {Authorization: `Bearer ${token}`} : {}), ...headers},
    });
    if (!res.ok) {
        throw new Error(`${method} ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    }
    return res;
}

let token = process.env.MM_ADMIN_TOKEN;
if (!token) {
    const {MM_ADMIN_USERNAME: login_id, MM_ADMIN_PASSWORD: password} = process.env;
    if (!login_id || !password) {
        console.error('set MM_ADMIN_TOKEN, or MM_ADMIN_USERNAME and MM_ADMIN_PASSWORD');
        process.exit(2);
    }
    const res = await call('POST', '/api/v4/users/login', {body: JSON.stringify({login_id, password}), headers: {'Content-Type': 'application/json'}});
    token = res.headers.get('token');
}
const form = new FormData();
form.set('plugin', new Blob([readFileSync(bundle)]), basename(bundle));
form.set('force', 'true');
await call('POST', '/api/v4/plugins', {token, body: form});
await call('POST', `/api/v4/plugins/${id}/enable`, {token});
console.log(`deployed ${basename(bundle)} to ${site} and enabled ${id}`);
