import {useCallback, useState} from 'react';

/** What a failed click says: the server's short message, or a generic one. */
export function errorMessage(err: unknown): string {
    return err instanceof Error && err.message !== '' ? err.message : 'Something went wrong. Try again.';
}

/**
 * One request at a time from a card's buttons: which button is in flight (all of
 * them are disabled meanwhile) and the last failure, shown under the buttons.
 */
export function useRequest<K extends string>() {
    const [pending, setPending] = useState<K | null>(null);
    const [error, setError] = useState('');

    const run = useCallback(async (key: K, work: () => Promise<void>, onError?: (err: unknown) => void) => {
        setPending(key);
        setError('');
        try {
            await work();
        } catch (err) {
            onError?.(err);
            setError(errorMessage(err));
        } finally {
            setPending(null);
        }
    }, []);

    return {pending, error, run};
}
