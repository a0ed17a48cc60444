#!/usr/bin/env node
import { execute, settings } from '@oclif/core';

// This executable runs the compiled dist/ (bin/dev.js runs the sources). Without this, oclif maps dist/ back
// to src/ through tsx whenever NODE_ENV is "development" or "test", and an installed rrr, which ships no
// sources and no TypeScript, prints "Could not find typescript" on every command.
settings.enableAutoTranspile = false;

await execute({ dir: import.meta.url });
