import {useEffect, useState} from 'react';
import type {RefObject} from 'react';

/**
 * The element's content width, followed with a ResizeObserver (the right-hand sidebar
 * can be resized and opened beside the channel). 0 until measured, and where the
 * browser has no ResizeObserver.
 */
export function useContainerWidth(ref: RefObject<HTMLElement>): number {
    const [width, setWidth] = useState(0);
    useEffect(() => {
        const element = ref.current;
        if (!element || typeof ResizeObserver === 'undefined') {
            return undefined;
        }
        const observer = new ResizeObserver((entries) => {
            const entry = entries[entries.length - 1];
            if (entry) {
                setWidth(Math.round(entry.contentRect.width));
            }
        });
        observer.observe(element);
        return () => observer.disconnect();
    }, [ref]);
    return width;
}
