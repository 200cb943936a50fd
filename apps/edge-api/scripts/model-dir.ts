/**
 * A model directory on disk, checked as the worker would check it: the
 * manifest against the schema, the served file's size and sha256 against the
 * manifest (`checkSource`). Shared by gen-models (bundling) and r2-upload.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateManifest, type MixtureManifest } from '@seqlm/core';
import { checkSource, servedFile } from '../src/models/source.ts';

export type ModelDirCheck =
  | { ok: true; manifestPath: string; served: string; filePath: string }
  | { ok: true; manifestPath: string; mixture: MixtureManifest }
  | { ok: false; reason: string };

/** `label` names the directory in reasons (a path relative to the repository). */
export function checkModelDir(abs: string, label: string): ModelDirCheck {
  const manifestPath = resolve(abs, 'manifest.json');
  if (!existsSync(manifestPath)) return { ok: false, reason: `${label}/manifest.json does not exist` };
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    return { ok: false, reason: `manifest.json is not valid JSON: ${(error as Error).message}` };
  }
  const result = validateManifest(manifest);
  const served = result.ok ? servedFile(result.manifest) : undefined;
  const filePath = served === undefined ? undefined : resolve(abs, served);
  const files: Record<string, Uint8Array> = {};
  if (served !== undefined && filePath !== undefined && existsSync(filePath)) files[served] = readFileSync(filePath);
  const check = checkSource({ manifest, files });
  if (!check.ok) return check;
  if (check.manifest.kind === 'mixture') return { ok: true, manifestPath, mixture: check.manifest };
  if (served === undefined || filePath === undefined) return { ok: false, reason: 'no served file' }; // checkSource already refused these
  return { ok: true, manifestPath, served, filePath };
}
