// A small host store and post factories, shaped like the Mattermost webapp's.
import type {Post} from '@mattermost/types/posts';
import type {UserProfile} from '@mattermost/types/users';
import {render} from '@testing-library/react';
import React from 'react';
import {Provider} from 'react-redux';
import {combineReducers, legacy_createStore as createStore} from 'redux';
import type {Store} from 'redux';

import {STATE_KEY} from '../constants';
import reducer from '../store/reducer';
import type {HostState} from '../store/selectors';

export const BOT_ID = 'botuserid00000000000000000';
export const ALICE_ID = 'aliceid0000000000000000000';
export const BOB_ID = 'bobid000000000000000000000';
export const CAROL_ID = 'carolid0000000000000000000';

export function user(id: string, username: string, isBot = false): UserProfile {
    return {id, username, is_bot: isBot} as UserProfile;
}

export const defaultUsers = [user(BOT_ID, 'claude', true), user(ALICE_ID, 'alice'), user(BOB_ID, 'bob'), user(CAROL_ID, 'carol')];

interface StoreOptions {
    users?: UserProfile[];

    /** Who is looking at the page; '' for a store that does not know. */
    currentUserId?: string;
    siteURL?: string;
    militaryTime?: boolean;
}

export function makeStore({users = defaultUsers, currentUserId = ALICE_ID, siteURL = 'https://chat.example.com', militaryTime = false}: StoreOptions = {}): Store<HostState> {
    const entities: HostState['entities'] = {
        general: {config: {SiteURL: siteURL}},
        users: {currentUserId, profiles: Object.fromEntries(users.map((u) => [u.id, u]))},
        preferences: {
            myPreferences: {
                'display_settings--use_military_time': {user_id: ALICE_ID, category: 'display_settings', name: 'use_military_time', value: String(militaryTime)},
            },
        },
    };
    return createStore(combineReducers({
        entities: (state: HostState['entities'] = entities) => state,
        [STATE_KEY]: reducer,
    })) as unknown as Store<HostState>;
}

/** Post types of plugins are plain strings to the webapp; @mattermost/types lists only its own. */
export function makePost(overrides: Omit<Partial<Post>, 'type'> & {type?: string} = {}): Post {
    return {
        id: 'post1',
        user_id: BOT_ID,
        channel_id: 'channel1',
        root_id: 'root1',
        message: '',
        type: 'custom_claude_text',
        props: {},
        create_at: 0,
        update_at: 0,
        edit_at: 0,
        delete_at: 0,
        is_pinned: false,
        original_id: '',
        hashtags: '',
        pending_post_id: '',
        reply_count: 0,
        metadata: {embeds: [], emojis: [], files: [], images: {}},
        ...overrides,
    } as Post;
}

export function renderWithStore(ui: React.ReactElement, store: Store<HostState> = makeStore()) {
    // A wrapper (not a parent element) so that rerender keeps the Provider.
    const wrapper = ({children}: {children: React.ReactNode}) => <Provider store={store}>{children}</Provider>;
    return {store, ...render(ui, {wrapper})};
}

/** The lines a code or diff block shows, each as its text (numbers and +/− included). */
export function shownLines(block: HTMLElement): string[] {
    return Array.from(block.querySelectorAll('.cm-code-line'), (row) => row.textContent ?? '');
}
