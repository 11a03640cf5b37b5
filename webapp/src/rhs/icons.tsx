import React from 'react';

/** The channel-header button's icon: a terminal prompt, drawn in the header's text colour. */
export function PanelIcon() {
    return (
        <svg
            width='18'
            height='18'
            viewBox='0 0 24 24'
            aria-hidden='true'
            focusable='false'
        >
            <rect
                x='2.75'
                y='4.75'
                width='18.5'
                height='14.5'
                rx='2.25'
                fill='none'
                stroke='currentColor'
                strokeWidth='1.5'
            />
            <path
                d='M7 10l3 2.5L7 15M12.5 15.5h4.5'
                fill='none'
                stroke='currentColor'
                strokeWidth='1.6'
                strokeLinecap='round'
                strokeLinejoin='round'
            />
        </svg>
    );
}

/** The app bar wants an image URL; the same icon as a data URL needs no file on the server. */
export const APP_BAR_ICON = `data:image/svg+xml,${encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><rect x="2.75" y="4.75" width="18.5" height="14.5" rx="2.25" fill="none" stroke="#d97757" stroke-width="1.5"/><path d="M7 10l3 2.5L7 15M12.5 15.5h4.5" fill="none" stroke="#d97757" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>',
)}`;
