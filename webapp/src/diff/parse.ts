// A unified diff (`diff -u`, `git diff`) read into numbered lines. Small enough to
// own: the viewer needs each line's old and new number and the pairs of a split view,
// which a generic patch parser leaves to the caller anyway.

export type LineKind = 'context' | 'add' | 'del';

export interface DiffLine {
    kind: LineKind;
    text: string;

    /** Line number in the old file; 0 for an added line. */
    oldNo: number;

    /** Line number in the new file; 0 for a removed line. */
    newNo: number;

    /** The line is the last of its file and has no newline ("\ No newline at end of file"). */
    noNewline?: boolean;
}

export interface Hunk {
    oldStart: number;
    oldLines: number;
    newStart: number;
    newLines: number;

    /** What follows the second `@@`: often the enclosing function. */
    section: string;
    lines: DiffLine[];
}

export interface DiffFile {
    /** Without the `a/` / `b/` prefix; '' for /dev/null (a new or deleted file). */
    oldPath: string;
    newPath: string;
    hunks: Hunk[];
    binary: boolean;
}

export interface DiffStats {
    added: number;
    removed: number;

    /** Lines a viewer shows (context, added and removed). */
    lines: number;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

function stripPath(raw: string): string {
    // "a/src/x.ts\t2025-01-01 …": the path ends at a tab (GNU diff adds a date).
    const path = (raw.split('\t')[0] ?? '').trim();
    if (path === '/dev/null') {
        return '';
    }
    return path.replace(/^[ab]\//, '');
}

/**
 * Reads every file of a unified diff. Tolerant: text before the first header is
 * skipped, a hunk without a `---`/`+++` header still counts, and a diff cut short
 * (the agent truncates at 400 000 characters) keeps the lines it has.
 */
export function parseDiff(text: string): DiffFile[] {
    const files: DiffFile[] = [];
    let file: DiffFile | null = null;
    let hunk: Hunk | null = null;
    let oldLeft = 0;
    let newLeft = 0;
    let oldNo = 0;
    let newNo = 0;

    const startFile = (): DiffFile => {
        file = {oldPath: '', newPath: '', hunks: [], binary: false};
        files.push(file);
        hunk = null;
        return file;
    };

    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') {
        lines.pop();
    }
    for (const raw of lines) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (hunk && (oldLeft > 0 || newLeft > 0)) {
            const mark = line[0];
            const body = line.slice(1);
            if (mark === ' ' || line === '') {
                // Some tools strip the space of an empty context line.
                hunk.lines.push({kind: 'context', text: body, oldNo: oldNo++, newNo: newNo++});
                oldLeft--;
                newLeft--;
                continue;
            }
            if (mark === '-') {
                hunk.lines.push({kind: 'del', text: body, oldNo: oldNo++, newNo: 0});
                oldLeft--;
                continue;
            }
            if (mark === '+') {
                hunk.lines.push({kind: 'add', text: body, oldNo: 0, newNo: newNo++});
                newLeft--;
                continue;
            }
        }
        if (line.startsWith('\\')) {
            const last = hunk ? (hunk as Hunk).lines[(hunk as Hunk).lines.length - 1] : undefined;
            if (last) {
                last.noNewline = true;
            }
            continue;
        }
        const header = HUNK.exec(line);
        if (header) {
            const current: DiffFile = file ?? startFile();
            const next: Hunk = {
                oldStart: Number(header[1]),
                oldLines: header[2] === undefined ? 1 : Number(header[2]),
                newStart: Number(header[3]),
                newLines: header[4] === undefined ? 1 : Number(header[4]),
                section: (header[5] ?? '').trim(),
                lines: [],
            };
            current.hunks.push(next);
            hunk = next;
            oldLeft = next.oldLines;
            newLeft = next.newLines;
            oldNo = next.oldStart;
            newNo = next.newStart;
            continue;
        }
        hunk = null;
        if (line.startsWith('diff --git ')) {
            startFile();
        } else if (line.startsWith('--- ')) {
            // A `---` after a finished file's hunks starts the next file of a plain `diff -u`.
            const current: DiffFile = file && (file as DiffFile).hunks.length === 0 ? file : startFile();
            current.oldPath = stripPath(line.slice(4));
        } else if (line.startsWith('+++ ')) {
            const current: DiffFile = file ?? startFile();
            current.newPath = stripPath(line.slice(4));
        } else if (line.startsWith('Binary files ')) {
            (file ?? startFile()).binary = true;
        }
    }
    return files;
}

export function diffStats(files: readonly DiffFile[]): DiffStats {
    let added = 0;
    let removed = 0;
    let lines = 0;
    for (const file of files) {
        for (const hunk of file.hunks) {
            for (const line of hunk.lines) {
                lines++;
                if (line.kind === 'add') {
                    added++;
                } else if (line.kind === 'del') {
                    removed++;
                }
            }
        }
    }
    return {added, removed, lines};
}

/** One row of a side-by-side view: a removed line beside the added line that replaced it. */
export interface SplitRow<T extends DiffLine = DiffLine> {
    left: T | null;
    right: T | null;
}

/**
 * Pairs a hunk's lines for a split view: context on both sides; a run of removed
 * lines beside the run of added lines that follows it, row by row, and whichever run
 * is longer continues with a blank on the other side.
 */
export function splitRows<T extends DiffLine>(lines: readonly T[]): SplitRow<T>[] {
    const rows: SplitRow<T>[] = [];
    let i = 0;
    const at = (k: number): T | undefined => lines[k];
    while (i < lines.length) {
        const line = lines[i] as T;
        if (line.kind === 'context') {
            rows.push({left: line, right: line});
            i++;
            continue;
        }
        const dels: T[] = [];
        const adds: T[] = [];
        for (let next = at(i); next?.kind === 'del'; next = at(++i)) {
            dels.push(next);
        }
        for (let next = at(i); next?.kind === 'add'; next = at(++i)) {
            adds.push(next);
        }
        for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
            rows.push({left: dels[k] ?? null, right: adds[k] ?? null});
        }
    }
    return rows;
}
