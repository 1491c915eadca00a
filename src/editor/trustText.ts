/**
 * What ConvLens says about Restricted Mode and virtual workspaces, in one place. No `vscode` import:
 * the model worker (./modelStore.ts) words its refusals from here too.
 *
 * Why these limits: a model is a stranger's file. Viewing it reads that one file and runs nothing;
 * running it (ONNX Runtime, native code), reading its labels file or the files beside it (external
 * data, weight shards) waits until the user trusts the folder. A virtual workspace has no local disk:
 * only what VS Code's file system API gives for the opened file is read.
 */

import * as l10n from '@vscode/l10n';
import type { DocumentVersion } from '../protocol/modelService';

/** Why files beside a model are not read. */
export type OnlyThisFile = NonNullable<DocumentVersion['onlyThisFile']>;

/** The reason a reader appends to "the model refers to X beside it, which is not read: …". */
export function siblingsRefused(why: OnlyThisFile): string {
  return why === 'untrusted'
    ? l10n.t('files beside a model are read once the workspace is trusted (Restricted Mode)')
    : l10n.t('files beside a model are not read in a virtual workspace');
}

/** The label of the notification action that opens VS Code's trust editor (the panel has its own button). */
export function manageTrustLabel(): string {
  return l10n.t('Manage Workspace Trust');
}

/** Shown in the graph panel when Run (or Feature Maps) is asked for in Restricted Mode. */
export function runWaitsForTrust(file: string): string {
  return l10n.t("Run waits for workspace trust: in Restricted Mode ConvLens shows {0}'s graph but runs no model and reads no other file. Trust this folder and the run starts by itself.", file);
}

/** Shown when Run is asked for on a model that is not on the local disk. */
export function runNeedsLocalFile(file: string, scheme: string): string {
  return l10n.t("Run needs the model on this computer's disk: {0} is in a virtual workspace ({1}:), where ConvLens shows the graph only.", file, scheme);
}
