import type { GroupKind, ViewGroup } from '../../../src/protocol/viewModel';
import * as l10n from '@vscode/l10n';

/**
 * A group's title as a box and its details say it: a scope group by its scope segment, as the model
 * names it; a found block by its kind and number ('bottleneck 5'), a stage by what it repeats
 * ('stage 2: 4 × bottleneck').
 */
export function groupTitle(g: ViewGroup): string {
  if (g.kind === 'stage' && g.repeat) return l10n.t('stage {0}: {1} × {2}', g.index, g.repeat.count, kindNoun(g.repeat.of));
  switch (g.kind) {
    case 'scope': return g.name;
    case 'stage': return l10n.t('stage {0}', g.index);
    case 'bottleneck': return l10n.t('bottleneck {0}', g.index);
    case 'basic': return l10n.t('basic block {0}', g.index);
    case 'residual': return l10n.t('residual block {0}', g.index);
    case 'inverted-residual': return l10n.t('inverted residual {0}', g.index);
    case 'rfb': return l10n.t('RFB block {0}', g.index);
    case 'inception': return l10n.t('Inception module {0}', g.index);
    case 'branches': return l10n.t('parallel branches {0}', g.index);
    case 'se': return l10n.t('SE block {0}', g.index);
  }
}

/** What a stage repeats, in the plural-free form '4 × bottleneck' reads with. */
function kindNoun(kind: GroupKind): string {
  switch (kind) {
    case 'bottleneck': return l10n.t('bottleneck');
    case 'basic': return l10n.t('basic block');
    case 'residual': return l10n.t('residual block');
    case 'inverted-residual': return l10n.t('inverted residual');
    case 'rfb': return l10n.t('RFB block');
    case 'inception': return l10n.t('Inception module');
    case 'branches': return l10n.t('parallel branches');
    case 'se': return l10n.t('SE block');
    default: return kind;
  }
}
