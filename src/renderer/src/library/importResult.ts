import type { ImportResult } from '../../../common/contract';

/** The import summary of a job result, or undefined when the job is not an import (yet). */
export function asImportResult(result: unknown): ImportResult | undefined {
  const r = result as Partial<ImportResult> | null;
  if (!r || typeof r !== 'object' || typeof r.imported !== 'number' || !Array.isArray(r.errors)) return undefined;
  return { albumId: 0, total: 0, duplicates: 0, failed: 0, duplicateFiles: [], ...r } as ImportResult;
}
