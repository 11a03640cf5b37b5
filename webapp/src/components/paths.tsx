import React from 'react';

/** A path or branch with a line-break chance after each "/", so it wraps at a separator. */
export function breakable(text: string): React.ReactNode {
    const parts = text.split('/');
    return parts.map((part, i) => (
        <React.Fragment key={i}>
            {part}
            {i < parts.length - 1 && (
                <>
                    {'/'}
                    <wbr/>
                </>
            )}
        </React.Fragment>
    ));
}

/** `path` relative to `cwd` when it lies inside it ("src/auth.ts"), else as given. */
export function relativePath(path: string, cwd: string): string {
    if (cwd === '' || !path.startsWith('/')) {
        return path;
    }
    const base = cwd.endsWith('/') ? cwd : `${cwd}/`;
    return path.startsWith(base) && path.length > base.length ? path.slice(base.length) : path;
}
