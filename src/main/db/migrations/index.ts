import { migration0001 } from './0001-library';
import { migration0002 } from './0002-jobs';
import { migration0003 } from './0003-import-items';
import { migration0004 } from './0004-models';
import { migration0005 } from './0005-edits';
import { migration0006 } from './0006-estimates';
import { migration0007 } from './0007-estimates-demo';
import { migration0008 } from './0008-model-settings';
import { migration0009 } from './0009-model-precision';
import { migration0010 } from './0010-photo-codes';
import { migration0011 } from './0011-model-estimator';
import { migration0012 } from './0012-estimator-codes';
import type { Migration } from './types';

/**
 * Every schema step, in order. A domain that needs tables adds ONE file
 * (`NNNN-what.ts`, the next number, exporting a `Migration`) and ONE entry here, plus a test
 * in test/main/db/migrations/. Never edit a migration that has shipped: add a new one.
 */
export const migrations: readonly Migration[] = Object.freeze([migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012]);

export type { Migration };
