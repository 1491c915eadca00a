/**
 * How a shape that only the file declares (its value_info, inference having stopped before it) is
 * marked wherever shapes are printed: the graph's edge labels and cards, the CLI table and its
 * Markdown form. One mark and one wording, so the footnote reads the same everywhere.
 */
export const DECLARED_MARK = '†';

export const DECLARED_NOTE = 'declared in the file, not inferred';
