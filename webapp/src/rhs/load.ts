import type {Dispatch} from 'redux';

import {client} from '../client';
import type {RefreshTarget} from '../constants';
import {errorMessage} from '../components/useRequest';
import {panelFailed, panelLoaded, panelLoading} from '../store/actions';

const fetchers = {
    machines: () => client.getMachines(),
    sessions: () => client.getSessions(),
    approvals: () => client.getPendingRequests(),
};

/** Fetches the panel's lists (each on its own, so one failing leaves the others) into the plugin's store. */
export async function loadLists(dispatch: Dispatch, targets: readonly RefreshTarget[]): Promise<void> {
    await Promise.all(targets.map(async (what) => {
        dispatch(panelLoading(what));
        try {
            const items = await fetchers[what]();
            dispatch(panelLoaded(what, items));
        } catch (err) {
            dispatch(panelFailed(what, errorMessage(err)));
        }
    }));
}
