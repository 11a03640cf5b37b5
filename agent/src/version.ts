import {createRequire} from 'node:module';

/** The agent's version, from package.json (works from src/ under tsx and from dist/). */
export const AGENT_VERSION: string = (createRequire(import.meta.url)('../package.json') as {version: string}).version;
